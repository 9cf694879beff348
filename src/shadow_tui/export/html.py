"""The HTML export: one self-contained page with inline CSS and no script.

Safety rules, which the tests check with payloads in every field:

- Every piece of stored text is escaped with `html.escape(..., quote=True)`,
  in element content and in attribute values alike.
- The page has no script, no external resource and no link: artifact URLs
  are shown as text, never as an `href`.
- A Content-Security-Policy meta element forbids scripts, plugins, frames,
  images, fonts and form targets, in case a browser ever finds markup the
  escaping missed.
- Colors come from Rich styles (the SGR colors of command outputs, diff
  and syntax colors) turned into `style` attributes by Rich's
  `Style.get_html_style`, which writes only color hex codes and font
  properties.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Final

from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.terminal_theme import MONOKAI, TerminalTheme
from rich.text import Text

from shadow_tui.export import rich_parts
from shadow_tui.export.document import CommandEntry, TaskDocument
from shadow_tui.export.text import guard_output
from shadow_tui.export.fields import exit_label, format_duration, format_time, task_field_rows
from shadow_tui.queries.records import ArtifactRecord, EditRecord, MessageRecord
from shadow_tui.render.terminal import sanitize_inline

# Width in columns at which chat messages are laid out (wrapped Markdown).
MESSAGE_WIDTH: Final = 100
THEME: Final[TerminalTheme] = MONOKAI

CONTENT_SECURITY_POLICY: Final = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'none'; object-src 'none'; "
    "img-src 'none'; font-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'"
)

_CSS: Final = """
:root { color-scheme: dark; }
body { background: #1c1d19; color: #d9d9d9; margin: 0 auto; max-width: 1100px; padding: 1.5rem;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; border-bottom: 1px solid #444; padding-bottom: .25rem; margin-top: 2rem; }
table.fields { border-collapse: collapse; }
table.fields th { text-align: left; color: #999; font-weight: normal; padding: .1rem 1.2rem .1rem 0;
                  vertical-align: top; white-space: nowrap; }
table.fields td { padding: .1rem 0; overflow-wrap: anywhere; }
pre { font: 13px/1.35 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; margin: 0;
      background: #272822; padding: .6rem .8rem; border-radius: 4px; overflow-x: auto; }
pre.wrap { white-space: pre-wrap; overflow-wrap: anywhere; }
article { margin: 1rem 0 1.4rem; }
.meta { color: #999; font-size: .85rem; margin: .25rem 0; }
.sender { font-weight: bold; }
.sender.user { color: #66d9ef; }
.sender.agent { color: #ae81ff; }
.status { font-weight: bold; }
.status.error, .exit.failed, .error-message { color: #f92672; }
.status.completed, .exit.ok { color: #a6e22e; }
.status.running, .exit.unknown { color: #e6db74; }
pre.command { border-left: 3px solid #66d9ef; }
article.failed pre.command { border-left-color: #f92672; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; overflow-wrap: anywhere; }
ul.artifacts { padding-left: 1.2rem; }
footer { color: #777; font-size: .8rem; margin-top: 3rem; }
"""


def _escape(value: str) -> str:
    return html.escape(value, quote=True)


class _SegmentWriter:
    """Turns Rich renderables into escaped HTML spans with inline styles."""

    def __init__(self) -> None:
        self.console = Console(
            width=MESSAGE_WIDTH, color_system="truecolor", force_terminal=True, markup=False,
            highlight=False, emoji=False, legacy_windows=False, no_color=False,
        )
        self._css: dict[Style, str] = {}

    def _css_for(self, style: Style | None) -> str:
        if style is None or not style:
            return ""
        css = self._css.get(style)
        if css is None:
            css = style.get_html_style(THEME)
            self._css[style] = css
        return css

    def segments(self, segments: Iterable[Segment]) -> str:
        parts: list[str] = []
        for segment in segments:
            if segment.control or not segment.text:
                continue
            text = _escape(segment.text)
            css = self._css_for(segment.style)
            parts.append(f'<span style="{_escape(css)}">{text}</span>' if css else text)
        return "".join(parts)

    def text(self, text: Text) -> str:
        """Convert a Text without wrapping it; its line breaks stay."""
        if not text.spans:
            # Text.render leaves out the base style when there are no spans (rich 15).
            return self.segments([Segment(text.plain, self.console.get_style(text.style) if text.style else None)])
        return self.segments(text.render(self.console))

    def lines(self, texts: Iterable[Text]) -> str:
        return "\n".join(self.text(text) for text in texts)

    def renderable(self, renderable: RenderableType) -> str:
        """Convert a renderable laid out at MESSAGE_WIDTH columns."""
        options = self.console.options.update(width=MESSAGE_WIDTH)
        rendered = self.console.render_lines(renderable, options, pad=False)
        return "\n".join(self.segments(line).rstrip() for line in rendered)


def _fields(writer: _SegmentWriter, document: TaskDocument) -> str:
    rows: list[str] = []
    for row in task_field_rows(document):
        value = _escape(sanitize_inline(row.value))
        if row.label == "Status":
            value = f'<span class="status {_escape(sanitize_inline(row.value))}">{value}</span>'
        rows.append(f"<tr><th>{_escape(row.label)}</th><td>{value}</td></tr>")
    table = '<table class="fields">\n' + "\n".join(rows) + "\n</table>"
    error = document.task.error_message
    if error:
        error_text = rich_parts.error_block(document) or Text()
        table += f'\n<h3 class="error-message">Error</h3>\n<pre class="wrap">{writer.text(error_text)}</pre>'
    return table


def _message(writer: _SegmentWriter, message: MessageRecord) -> str:
    sender = _escape(sanitize_inline(message.sender))
    when = _escape(format_time(message.created_at))
    body = writer.renderable(rich_parts.message_body(message))
    return (
        f'<article class="message">\n<div class="meta"><span class="sender {sender}">{sender}</span> {when}</div>\n'
        f'<pre class="wrap">{body}</pre>\n</article>'
    )


def _command(writer: _SegmentWriter, command: CommandEntry) -> str:
    exit_class = "ok"
    if command.exit_code is None:
        exit_class = "unknown"
    elif command.failed:
        exit_class = "failed"
    details = [format_time(command.created_at), format_duration(command.duration_seconds)]
    meta = f'<span class="exit {exit_class}">{_escape(exit_label(command))}</span>'
    meta += "".join(f" · {_escape(detail)}" for detail in details if detail)
    output = (
        f'<pre class="wrap output">{writer.text(rich_parts.command_output(command))}</pre>'
        if command.output else '<div class="meta">No output.</div>'
    )
    article_class = "command failed" if command.failed else "command"
    return (
        f'<article class="{article_class}">\n<pre class="command wrap">{writer.text(rich_parts.command_line(command))}</pre>\n'
        f'<div class="meta">{meta}</div>\n{output}\n</article>'
    )


def _edit(writer: _SegmentWriter, edit: EditRecord) -> str:
    when = _escape(format_time(edit.created_at))
    diff = writer.lines(rich_parts.edit_lines(edit, highlight=True))
    return f'<article class="edit">\n<div class="meta">edited {when}</div>\n<pre class="diff">{diff}</pre>\n</article>'


def _artifact(artifact: ArtifactRecord) -> str:
    # The URL is text inside <code>, never an href, so no URL scheme can run.
    return (
        f'<li><span class="type">{_escape(sanitize_inline(artifact.type))}</span> '
        f'<code>{_escape(sanitize_inline(artifact.s3_url))}</code> '
        f'<span class="meta">{_escape(format_time(artifact.created_at))}</span></li>'
    )


def _section(title: str, body: list[str]) -> str:
    return f"<section>\n<h2>{_escape(title)}</h2>\n" + "\n".join(body) + "\n</section>"


def render_html(document: TaskDocument) -> str:
    """Render the HTML export of a task as one self-contained page."""
    writer = _SegmentWriter()
    task = document.task
    title = sanitize_inline(task.title or task.task_id)
    failed = sum(1 for command in document.commands if command.failed)
    sections = [
        _section(f"Chat ({len(document.messages)} messages)", [_message(writer, m) for m in document.messages]),
        _section(
            f"Commands ({len(document.commands)}, {failed} failed)", [_command(writer, c) for c in document.commands]
        ),
        _section(f"File edits ({len(document.edits)})", [_edit(writer, e) for e in document.edits]),
        _section(
            f"Artifacts ({len(document.artifacts)})",
            ['<ul class="artifacts">', *[_artifact(a) for a in document.artifacts], "</ul>"],
        ),
    ]
    head = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{_escape(CONTENT_SECURITY_POLICY)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_escape(title)} · shadow-tui</title>\n<style>{_CSS}</style>\n</head>\n"
    )
    body = (
        f"<body>\n<header>\n<h1>{_escape(title)}</h1>\n{_fields(writer, document)}\n</header>\n<main>\n"
        + "\n".join(sections)
        + f"\n</main>\n<footer>Exported by shadow-tui from task {_escape(task.task_id)}.</footer>\n</body>\n</html>\n"
    )
    # Rendering already shows control characters as symbols; the guard only
    # matters if a renderer ever lets one through.
    return guard_output(head + body, keep_sgr=False)


__all__ = ["CONTENT_SECURITY_POLICY", "MESSAGE_WIDTH", "render_html"]
