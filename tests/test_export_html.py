"""The HTML export: one self-contained page where no stored text can become markup or script."""

from __future__ import annotations

import asyncio
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from factories import make_session, write_sessions
from shadow_tui.cli import main
from shadow_tui.db.writer import ArtifactData, CommandData, EditData

PAYLOADS = (
    "<script>alert(1)</script>",
    "</pre><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "<style>body{display:none}</style>",
    "<a href='javascript:alert(1)'>x</a>",
    "\x1b]0;osc-title\x07\x1b[2J\x9b31m\x1b]52;c;Y2xpcA==\x07\x90dcs\x9c",
)
ALL_PAYLOADS = " ".join(PAYLOADS)


class _Collector(HTMLParser):
    """Collects every start tag with its attributes, and the text inside <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.spans: list[tuple[str, str]] = []
        self._span_style: list[str] = []
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag == "span":
            self._span_style.append(dict(attrs).get("style") or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._span_style:
            self.spans.append((self._span_style.pop(), "".join(self._text)))
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._span_style:
            self._text.append(data)


def _hostile_session():  # type: ignore[no-untyped-def]
    session = make_session(1, status="error", message=ALL_PAYLOADS, output="\x1b[31mred-output\x1b[0m " + ALL_PAYLOADS,
                           diff=f"@@ -1 +1 @@\n-{PAYLOADS[0]}\n+{PAYLOADS[1]}\n", repo=f"https://x/{PAYLOADS[2]}")
    task = session.task
    task.title = ALL_PAYLOADS
    task.branch = PAYLOADS[2]
    task.model_name = PAYLOADS[3]
    task.error_message = ALL_PAYLOADS
    created = task.created_at
    session.commands.append(CommandData("task0001-c9", ALL_PAYLOADS, ALL_PAYLOADS, created, exit_code=2))
    session.edits.append(EditData("task0001-e9", PAYLOADS[1], ALL_PAYLOADS, created))
    session.artifacts.append(ArtifactData("task0001-a9", "report", "javascript:alert(document.cookie)", created))
    session.artifacts.append(ArtifactData("task0001-a8", "other", PAYLOADS[2], created))
    return session


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("html")
    database = str(folder / "html.db")
    asyncio.run(write_sessions(database, [_hostile_session()]))
    target = folder / "task.html"
    result = CliRunner().invoke(main, ["show", "task0001", "--db", database, "--format", "html", "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def parsed(page: str) -> _Collector:
    collector = _Collector()
    collector.feed(page)
    collector.close()
    return collector


def test_html_no_script_element(parsed: _Collector) -> None:
    assert [tag for tag, _attrs in parsed.tags if tag == "script"] == []


def test_html_single_style_element(parsed: _Collector) -> None:
    assert [tag for tag, _attrs in parsed.tags if tag == "style"] == ["style"]


def test_html_no_event_attributes(parsed: _Collector) -> None:
    handlers = [(tag, name) for tag, attrs in parsed.tags for name, _value in attrs if name.lower().startswith("on")]
    assert handlers == []


def test_html_no_javascript_urls(parsed: _Collector) -> None:
    for tag, attrs in parsed.tags:
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction"):
                assert not (value or "").strip().lower().startswith("javascript:"), (tag, name, value)


def test_html_no_links_or_resources(parsed: _Collector) -> None:
    loaders = [tag for tag, _attrs in parsed.tags if tag in ("a", "img", "link", "iframe", "object", "embed", "form")]
    assert loaders == []


def test_html_only_known_tags(parsed: _Collector) -> None:
    known = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "table", "tr", "th",
             "td", "main", "section", "article", "div", "span", "pre", "ul", "li", "code", "footer"}
    assert {tag for tag, _attrs in parsed.tags} <= known


def test_html_csp_forbids_scripts(parsed: _Collector) -> None:
    policies = [
        dict(attrs).get("content") or ""
        for tag, attrs in parsed.tags
        if tag == "meta" and dict(attrs).get("http-equiv") == "Content-Security-Policy"
    ]
    assert len(policies) == 1
    assert "script-src 'none'" in policies[0]
    assert "default-src 'none'" in policies[0]


def test_html_payloads_shown_as_text(page: str) -> None:
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&quot; onmouseover=&quot;alert(1)" in page
    assert "javascript:alert(document.cookie)" in page


def test_html_has_no_control_characters(page: str) -> None:
    for character in ("\x1b", "\x07", "\x9b", "\x9c", "\x90", "\x9d"):
        assert character not in page, repr(character)


def test_html_output_payload_hidden(page: str) -> None:
    # The command output goes through the terminal renderer, which drops
    # OSC payloads; the chat shows them as visible symbols instead.
    output_start = page.index("red-output")
    output_end = page.index("</pre>", output_start)
    assert "Y2xpcA==" not in page[output_start:output_end]


def test_html_keeps_ansi_colors(parsed: _Collector) -> None:
    styles = [style for style, text in parsed.spans if "red-output" in text]
    assert styles
    assert all("color:" in style for style in styles)


def test_html_diff_highlighted(parsed: _Collector) -> None:
    backgrounds = [style for style, _text in parsed.spans if "background-color" in style]
    assert backgrounds


def test_html_self_contained(page: str) -> None:
    assert "http://" not in page.split("<body>")[0]
    assert "https://" not in page.split("<body>")[0]
    assert "@import" not in page
    assert "url(" not in page


def test_html_title_escaped(page: str) -> None:
    head = page.split("</head>")[0]
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;" in head


def test_html_complete_document(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert page.rstrip().endswith("</html>")
