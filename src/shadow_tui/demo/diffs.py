"""Git-style unified diffs for the demo sessions.

Hunks are computed once per file template by `difflib` on the text with
its placeholders, then filled per task. A placeholder value never contains
a newline, so filling keeps every hunk's line counts correct.
"""

from __future__ import annotations

import difflib
import random
from dataclasses import dataclass
from functools import cache

from shadow_tui.demo.content import fill
from shadow_tui.demo.created_files import NEW_FILES
from shadow_tui.demo.files import EDITED_FILES, FileTemplate

EDIT_KINDS = ("modified", "added", "deleted", "renamed")

_NULL_HASH = "0000000"


@dataclass(frozen=True, slots=True)
class DemoDiff:
    file_path: str
    """The file's path after the edit, or its old path for a deleted file."""
    diff: str


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _hunks(before: str, after: str) -> str:
    """Return the hunks of a unified diff without the ---/+++ lines."""
    lines = list(difflib.unified_diff(_lines(before), _lines(after), n=3))
    return "".join(lines[2:])


@cache
def _template_hunks(language: str, index: int, kind: str) -> str:
    if kind == "added":
        return _hunks("", NEW_FILES[language][index][1])
    template = EDITED_FILES[language][index]
    if kind == "deleted":
        return _hunks(template.before, "")
    return _hunks(template.before, template.after)


def _hash(rng: random.Random) -> str:
    return f"{rng.getrandbits(28):07x}"


def _modified(rng: random.Random, names: dict[str, str], language: str, index: int) -> DemoDiff:
    path = fill(EDITED_FILES[language][index].path, names)
    header = (f"diff --git a/{path} b/{path}\nindex {_hash(rng)}..{_hash(rng)} 100644\n"
              f"--- a/{path}\n+++ b/{path}\n")
    return DemoDiff(path, header + fill(_template_hunks(language, index, "modified"), names))


def _added(rng: random.Random, names: dict[str, str], language: str) -> DemoDiff:
    index = rng.randrange(len(NEW_FILES[language]))
    path = fill(NEW_FILES[language][index][0], names)
    header = (f"diff --git a/{path} b/{path}\nnew file mode 100644\nindex {_NULL_HASH}..{_hash(rng)}\n"
              f"--- /dev/null\n+++ b/{path}\n")
    return DemoDiff(path, header + fill(_template_hunks(language, index, "added"), names))


def _deleted(rng: random.Random, names: dict[str, str], language: str, index: int) -> DemoDiff:
    path = fill(EDITED_FILES[language][index].path, names)
    header = (f"diff --git a/{path} b/{path}\ndeleted file mode 100644\nindex {_hash(rng)}..{_NULL_HASH}\n"
              f"--- a/{path}\n+++ /dev/null\n")
    return DemoDiff(path, header + fill(_template_hunks(language, index, "deleted"), names))


def _renamed(rng: random.Random, names: dict[str, str], language: str, index: int) -> DemoDiff:
    template: FileTemplate = EDITED_FILES[language][index]
    old, new = fill(template.path, names), fill(template.renamed_path, names)
    header = f"diff --git a/{old} b/{new}\n"
    if rng.random() < 0.3:
        # Git prints no index line and no hunks for a pure rename.
        return DemoDiff(new, header + f"similarity index 100%\nrename from {old}\nrename to {new}\n")
    similarity = rng.randint(60, 97)
    header += (f"similarity index {similarity}%\nrename from {old}\nrename to {new}\n"
               f"index {_hash(rng)}..{_hash(rng)} 100644\n--- a/{old}\n+++ b/{new}\n")
    return DemoDiff(new, header + fill(_template_hunks(language, index, "modified"), names))


def make_diff(rng: random.Random, names: dict[str, str], language: str, kind: str) -> DemoDiff:
    """Build one diff of `kind` (see EDIT_KINDS) to a file in `language`."""
    index = rng.randrange(len(EDITED_FILES[language]))
    if kind == "modified":
        return _modified(rng, names, language, index)
    if kind == "added":
        return _added(rng, names, language)
    if kind == "deleted":
        return _deleted(rng, names, language, index)
    if kind == "renamed":
        return _renamed(rng, names, language, index)
    raise ValueError(f"unknown edit kind {kind!r}: expected one of {', '.join(EDIT_KINDS)}")
