"""Rich renderables for the parts of a task, shared by the text, ANSI and HTML exports.

Every piece of stored text goes through a sanitizing renderer from
`shadow_tui.render` (or `sanitize_inline` for one-line fields) before it
becomes a `Text`, and no stored text is ever parsed as Rich markup. Some
renderers highlight code in a child process and block for up to their time
budget, which is acceptable for a one-shot export.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.markdown import Markdown
from rich.text import Text

from shadow_tui.export.document import CommandEntry, TaskDocument
from shadow_tui.export.fields import exit_label, format_duration, format_time
from shadow_tui.queries.records import ArtifactRecord, EditRecord, MessageRecord
from shadow_tui.render.diff_document import render_diff
from shadow_tui.render.diff_parse import parse_diff
from shadow_tui.render.markdown import render_message_markdown, render_message_plain
from shadow_tui.render.terminal import render_output, sanitize_inline
from shadow_tui.render.visible import display_block

STATUS_STYLES = {"error": "bold red", "running": "bold yellow", "completed": "bold green", "pending": "bold blue"}
SENDER_STYLES = {"user": "bold cyan", "agent": "bold magenta"}


def inline(value: str, style: str = "") -> Text:
    """Return a one-line field as a Text with its controls shown as symbols."""
    return Text(sanitize_inline(value), style=style)


def unwrapped(text: Text) -> Text:
    """Mark a Text so long lines are neither wrapped nor cut, as in a log file."""
    text.no_wrap = True
    text.overflow = "ignore"
    return text


def status_text(status: str) -> Text:
    return inline(status, STATUS_STYLES.get(status, "bold"))


def message_header(message: MessageRecord) -> Text:
    header = inline(message.sender, SENDER_STYLES.get(message.sender, "bold"))
    if message.created_at is not None:
        header.append(f"  {format_time(message.created_at)}", style="dim")
    return header


def _has_html(markdown: Markdown) -> bool:
    for token in markdown.parsed:
        if token.type == "html_block":
            return True
        if any(child.type == "html_inline" for child in token.children or ()):
            return True
    return False


def message_body(message: MessageRecord) -> RenderableType:
    """Render a chat message as Markdown, or as plain text when Markdown would hide part of it.

    Rich's Markdown renderer (rich 15) leaves out HTML blocks and inline
    HTML tags, so a message that contains any is shown as plain text, with
    every character kept. Messages too large for Markdown are plain text too.
    """
    renderable = render_message_markdown(message.content)
    if not isinstance(renderable, Markdown):
        return renderable
    if _has_html(renderable):
        return render_message_plain(message.content)
    # A hyperlink would be written as an OSC 8 escape sequence, which the
    # ANSI export must not contain, so the URL is shown as text instead.
    renderable.hyperlinks = False
    return renderable


def command_header(command: CommandEntry) -> Text:
    """Render the line under a command: exit status, time and duration."""
    style = "bold green"
    if command.exit_code is None:
        style = "yellow"
    elif command.failed:
        style = "bold red"
    header = Text(exit_label(command), style=style)
    details = [format_time(command.created_at), format_duration(command.duration_seconds)]
    for detail in details:
        if detail:
            header.append(f"  {detail}", style="dim")
    return header


def command_line(command: CommandEntry) -> Text:
    """Render a command's text after a `$ ` prompt, keeping its line breaks."""
    text = Text("$ ", style="bold")
    text.append(display_block(command.command_text), style="bold")
    return unwrapped(text)


def command_output(command: CommandEntry) -> Text:
    """Render a command's output with its colors as styles and its escape sequences made harmless."""
    return unwrapped(render_output(command.output))


def edit_lines(edit: EditRecord, *, highlight: bool) -> list[Text]:
    """Render an edit's diff, one Text per line under a header line per file."""
    parsed = parse_diff(edit.diff or "", edit.file_path or None)
    if not parsed.files:
        return [Text("(empty diff)", style="italic dim")]
    rendering = render_diff(parsed, highlight=highlight)
    return [unwrapped(line) for line in rendering.lines]


def edit_time(edit: EditRecord) -> Text:
    """Render the line above an edit's diff: when the edit was made."""
    when = format_time(edit.created_at)
    return Text(f"edited {when}" if when else "edited at an unknown time", style="dim")


def artifact_line(artifact: ArtifactRecord) -> Text:
    """Render an artifact as type, URL and time; the URL stays plain text, never a link."""
    line = inline(artifact.type, "bold")
    line.append("  ")
    line.append(sanitize_inline(artifact.s3_url))
    if artifact.created_at is not None:
        line.append(f"  {format_time(artifact.created_at)}", style="dim")
    return unwrapped(line)


def error_block(document: TaskDocument) -> Text | None:
    """Render the task's error message, or None when it has none."""
    message = document.task.error_message
    if not message:
        return None
    return Text(display_block(message), style="red")


__all__ = [
    "artifact_line", "command_header", "command_line", "command_output", "edit_lines", "edit_time",
    "error_block", "inline", "message_body", "message_header", "status_text", "unwrapped",
]
