"""Exports of one task as text, ANSI, Markdown, HTML or JSON (core: never imports Textual)."""
