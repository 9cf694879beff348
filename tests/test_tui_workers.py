"""Every Textual worker of the app is named without reading its arguments."""

from __future__ import annotations

import ast
from pathlib import Path

TUI = Path(__file__).resolve().parents[1] / "src" / "shadow_tui" / "tui"


def work_decorators(tree: ast.AST) -> list[ast.Call | ast.Name]:
    found: list[ast.Call | ast.Name] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if isinstance(target, ast.Name) and target.id == "work":
                found.append(decorator)  # type: ignore[arg-type]
    return found


def test_work_decorators_have_description() -> None:
    missing = []
    count = 0
    for path in sorted(TUI.rglob("*.py")):
        for decorator in work_decorators(ast.parse(path.read_text(encoding="utf-8"))):
            count += 1
            keywords = {keyword.arg for keyword in decorator.keywords} if isinstance(decorator, ast.Call) else set()
            if "description" not in keywords:
                missing.append(f"{path.relative_to(TUI)}:{decorator.lineno}")
    assert count > 10, "no @work decorators found: the scan looks in the wrong place"
    assert missing == [], f"@work without description= (Textual would repr() the arguments on the UI thread): {missing}"
