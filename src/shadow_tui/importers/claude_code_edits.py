"""Unified diffs for Claude Code's file-editing tools.

The best available record wins, in this order:

1. `toolUseResult.structuredPatch`, the hunks Claude Code computed;
2. the whole old file (`originalFile`, or `originalFileContents` for
   MultiEdit) with the edit applied, diffed with difflib;
3. a Write that created the file (`type` "create", or a result text that
   starts with "File created"), diffed from /dev/null;
4. the tool input alone: the old and new snippets, or a Write's whole new
   content, with a comment line saying what is missing.
"""

from __future__ import annotations

from typing import Any

from shadow_tui.importers.unified import (
    diff_texts, labelled, new_file_diff, replacements_diff, rewritten_file_diff,
    snippet_diff, structured_patch_diff,
)

EDIT_TOOLS = frozenset({"Edit", "MultiEdit", "Write", "NotebookEdit"})


def edit_diff(
    name: str, tool_input: dict[str, Any], tool_use_result: Any, result_text: str
) -> tuple[str, str] | None:
    """Return (file path, unified diff) for one edit tool call, or None without a path."""
    record = tool_use_result if isinstance(tool_use_result, dict) else {}
    path = _text(tool_input.get("file_path")) or _text(tool_input.get("notebook_path")) or _text(record.get("filePath"))
    if not path:
        return None
    if name == "NotebookEdit":
        return path, _notebook_diff(path, tool_input)

    structured = record.get("structuredPatch")
    if isinstance(structured, list) and structured:
        return path, structured_patch_diff(path, structured)

    if name == "Write":
        return path, _write_diff(path, tool_input, record, result_text)

    replacements = _replacements(name, tool_input, record)
    original = record.get("originalFile")
    if name == "MultiEdit":
        original = record.get("originalFileContents", original)
    if isinstance(original, str):
        updated = original
        for old, new, replace_all in replacements:
            updated = updated.replace(old, new) if replace_all else updated.replace(old, new, 1)
        diff = diff_texts(original, updated, path)
        if diff:
            return path, diff
    pairs = [(old, new) for old, new, _ in replacements]
    if len(pairs) == 1:
        return path, snippet_diff(pairs[0][0], pairs[0][1], path)
    return path, replacements_diff(path, pairs)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _replacements(name: str, tool_input: dict[str, Any], record: dict[str, Any]) -> list[tuple[str, str, bool]]:
    if name == "MultiEdit":
        edits = tool_input.get("edits") or record.get("edits") or []
        return [
            (_text(edit.get("old_string")), _text(edit.get("new_string")), bool(edit.get("replace_all")))
            for edit in edits
            if isinstance(edit, dict)
        ]
    old = _text(tool_input.get("old_string")) or _text(record.get("oldString"))
    new = _text(tool_input.get("new_string")) or _text(record.get("newString"))
    replace_all = bool(tool_input.get("replace_all") or record.get("replaceAll"))
    return [(old, new, replace_all)]


def _write_diff(path: str, tool_input: dict[str, Any], record: dict[str, Any], result_text: str) -> str:
    content = _text(record.get("content")) or _text(tool_input.get("content"))
    original = record.get("originalFile")
    if isinstance(original, str) and record.get("type") != "create":
        return diff_texts(original, content, path) or f"--- {path}\n+++ {path}\n"
    if record.get("type") == "create" or result_text.startswith("File created"):
        return new_file_diff(content, path)
    return rewritten_file_diff(content, path)


def _notebook_diff(path: str, tool_input: dict[str, Any]) -> str:
    cell = _text(tool_input.get("cell_id")) or "(new cell)"
    mode = _text(tool_input.get("edit_mode")) or "replace"
    source = _text(tool_input.get("new_source"))
    diff = snippet_diff("", source, path) if mode != "delete" else f"--- {path}\n+++ {path}\n"
    return labelled(diff, f"Notebook cell {cell} ({mode}); the cell's previous source was not recorded.")
