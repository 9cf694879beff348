"""Writing a task's export to a file: the format follows the file's suffix."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from shadow_tui.errors import ShadowTuiError
from shadow_tui.export.document import load_task_document
from shadow_tui.export.html import render_html
from shadow_tui.export.markdown import render_markdown

SUFFIX_FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


def default_export_path(task_id: str, folder: Path, export_format: str = "md") -> Path:
    """Return `shadow-<id prefix>.<md|html>` in `folder`."""
    return folder / f"shadow-{task_id[:12]}.{export_format}"


def resolve_export_path(value: str, task_id: str, *, folder: Path) -> tuple[Path, str]:
    """Turn a typed path into (file, format); a folder gets the default file name."""
    text = value.strip()
    path = Path(text).expanduser() if text else folder
    if not path.is_absolute():
        path = folder / path
    if path.is_dir():
        return default_export_path(task_id, path), "md"
    export_format = SUFFIX_FORMATS.get(path.suffix.lower())
    if export_format is None:
        raise ShadowTuiError(
            f"cannot export to {path}: the name must end in .md or .html to choose Markdown or HTML"
        )
    if not path.parent.is_dir():
        raise ShadowTuiError(f"cannot export to {path}: the folder {path.parent} does not exist")
    return path, export_format


async def export_task_file(engine: AsyncEngine, task_id: str, path: Path, export_format: str) -> Path:
    """Write one task as Markdown or HTML to `path`, replacing it atomically."""
    document = await load_task_document(engine, task_id)
    render = render_html if export_format == "html" else render_markdown
    # Rendering highlights diffs and can take seconds, so it runs in a thread.
    content = await asyncio.to_thread(render, document)
    await asyncio.to_thread(_write_atomically, path, content)
    return path


def _default_file_mode() -> int:
    """Return the mode that `open()` gives a new file under the process umask."""
    # The umask can only be read by setting it, so it is set back at once.
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


# Read once, at import, so that no export thread changes the umask while another thread creates a file.
_NEW_FILE_MODE = _default_file_mode()


def _write_atomically(path: Path, content: str) -> None:
    """Write `content` to a temporary file beside `path`, then rename it over `path`.

    The file gets the mode of the file it replaces, or else the mode a new
    file gets under the umask, as `shadow-tui show --output` gives it.
    """
    temporary: str | None = None
    try:
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = _NEW_FILE_MODE
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(content)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        raise ShadowTuiError(f"cannot write {path}: {error.strerror}") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
