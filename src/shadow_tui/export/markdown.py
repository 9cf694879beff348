"""The Markdown export: the task as a readable Markdown file.

Commands, outputs and diffs go into fenced code blocks whose fence is
longer than any run of backticks in the content, so no content can close
its block early. Chat messages are Markdown already and are kept as
written, with three changes so that one message cannot break the rest of
the file or run code in a viewer:

- control characters are shown as symbols (ESC as ␛),
- a code fence left open at the end of a message is closed,
- `<` outside code becomes `&lt;`, so raw HTML shows as text,
- ATX headings move three levels down (`# Plan` becomes `#### Plan`), under
  the export's own `###` heading of the message.

Link targets in messages are kept as written; viewers that render
Markdown decide which URL schemes they follow.
"""

from __future__ import annotations

import re
from typing import Final

from shadow_tui.export.document import CommandEntry, TaskDocument
from shadow_tui.export.fields import exit_label, format_duration, format_time, task_field_rows
from shadow_tui.queries.records import ArtifactRecord, EditRecord, MessageRecord
from shadow_tui.render.terminal import sanitize_inline, strip_ansi
from shadow_tui.render.visible import visible_block_controls

_BACKTICK_RUN: Final = re.compile(r"`+")
# Characters escaped with a backslash in one-line fields (CommonMark allows
# a backslash escape before any ASCII punctuation).
_INLINE_SPECIAL: Final = re.compile(r"([\\`*_\[\]<>|~&])")
# An opening code fence, as CommonMark reads it: up to 3 spaces, then 3 or more ` or ~.
_FENCE_OPEN: Final = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_CODE_SPAN: Final = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_ATX_HEADING: Final = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)")
# Levels that message headings move down, below the export's `###` message heading.
HEADING_SHIFT: Final = 3


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)


def fenced_block(content: str, info: str = "") -> str:
    """Wrap text in a backtick fence longer than any backtick run inside it."""
    fence = "`" * max(3, _longest_backtick_run(content) + 1)
    body = content if content.endswith("\n") or not content else content + "\n"
    return f"{fence}{info}\n{body}{fence}\n"


def code_span(text: str) -> str:
    """Wrap one line of text in an inline code span that its own backticks cannot end."""
    fence = "`" * (_longest_backtick_run(text) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def escape_inline(value: str) -> str:
    """Return a one-line field as Markdown text: controls as symbols, punctuation escaped."""
    return _INLINE_SPECIAL.sub(r"\\\1", sanitize_inline(value))


def _neutralize_html(line: str) -> str:
    """Replace `<` with `&lt;` in a prose line, except inside inline code spans."""
    pieces: list[str] = []
    position = 0
    for match in _CODE_SPAN.finditer(line):
        pieces.append(line[position : match.start()].replace("<", "&lt;"))
        pieces.append(match.group(0))
        position = match.end()
    pieces.append(line[position:].replace("<", "&lt;"))
    return "".join(pieces)


def _demote_heading(line: str) -> str:
    heading = _ATX_HEADING.match(line)
    if heading is None:
        return line
    level = min(6, len(heading.group(2)) + HEADING_SHIFT)
    return heading.group(1) + "#" * level + line[heading.end() :]


def message_markdown(content: str) -> str:
    """Return a chat message as Markdown that cannot affect the text after it."""
    lines = visible_block_controls(content).split("\n")
    output: list[str] = []
    open_fence: str | None = None
    for line in lines:
        if open_fence is not None:
            output.append(line)
            stripped = line.strip()
            if stripped and set(stripped) == {open_fence[0]} and len(stripped) >= len(open_fence) and not line.startswith("    "):
                open_fence = None
            continue
        opening = _FENCE_OPEN.match(line)
        if opening is not None and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            open_fence = opening.group(1)
            output.append(line)
            continue
        output.append(_neutralize_html(_demote_heading(line)))
    text = "\n".join(output).rstrip("\n")
    if open_fence is not None:
        text += "\n" + open_fence
    return text + "\n"


def _fields(document: TaskDocument) -> list[str]:
    lines = [f"- **{row.label}:** {escape_inline(row.value)}" for row in task_field_rows(document)]
    lines.append("")
    if document.task.error_message:
        lines += ["**Error:**", "", fenced_block(visible_block_controls(document.task.error_message), "text")]
    return lines


def _message(message: MessageRecord) -> list[str]:
    heading = f"### {escape_inline(message.sender)}"
    if message.created_at is not None:
        heading += f" · {format_time(message.created_at)}"
    return [heading, "", message_markdown(message.content)]


def _command(number: int, command: CommandEntry) -> list[str]:
    details = [exit_label(command), format_time(command.created_at), format_duration(command.duration_seconds)]
    heading = f"### Command {number}: " + " · ".join(detail for detail in details if detail)
    lines = [heading, "", fenced_block(visible_block_controls(command.command_text), "shell")]
    if command.output:
        lines += ["Output:", "", fenced_block(strip_ansi(command.output), "text")]
    else:
        lines += ["No output.", ""]
    return lines


def _edit(edit: EditRecord) -> list[str]:
    heading = f"### {escape_inline(edit.file_path or '(no path)')}"
    if edit.created_at is not None:
        heading += f" · {format_time(edit.created_at)}"
    return [heading, "", fenced_block(visible_block_controls(edit.diff or ""), "diff")]


def _artifact(artifact: ArtifactRecord) -> str:
    # The URL is a code span, never a link, so no viewer opens a javascript: URL from it.
    line = f"- {escape_inline(artifact.type)}: {code_span(sanitize_inline(artifact.s3_url))}"
    if artifact.created_at is not None:
        line += f" ({format_time(artifact.created_at)})"
    return line


def render_markdown(document: TaskDocument) -> str:
    """Render the Markdown export of a task."""
    task = document.task
    lines = [f"# {escape_inline(task.title or task.task_id)}", ""]
    lines += _fields(document)

    lines += [f"## Chat ({len(document.messages)} messages)", ""]
    for message in document.messages:
        lines += _message(message)

    failed = sum(1 for command in document.commands if command.failed)
    lines += [f"## Commands ({len(document.commands)}, {failed} failed)", ""]
    for number, command in enumerate(document.commands, start=1):
        lines += _command(number, command)

    lines += [f"## File edits ({len(document.edits)})", ""]
    for edit in document.edits:
        lines += _edit(edit)

    lines += [f"## Artifacts ({len(document.artifacts)})", ""]
    lines += [_artifact(artifact) for artifact in document.artifacts]
    return "\n".join(lines).rstrip("\n") + "\n"


__all__ = ["code_span", "escape_inline", "fenced_block", "message_markdown", "render_markdown"]
