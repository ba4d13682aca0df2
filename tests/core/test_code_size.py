"""No module of the apps or the core grows past ~500 lines, and no function past ~80 (issue 10,
STYLE.md: "a sign to split by concept, not by kind").

Every ``.py`` under the apps and the core is parsed (migrations excepted; tests live outside
the apps). A function or method counts from its ``def`` line to its last line, decorators
excluded, nested functions counted on their own too. A ``models.py`` may reach 650 lines: a
model and its constraints, choices and managers read best together.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.core.test_architecture import APPS, CORE, ROOT

MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 500
MAX_MODELS_LINES = 650


def _source_files(root: Path = ROOT) -> list[Path]:
    found = []
    for top in (CORE, *APPS):
        base = root / top
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.py")):
            parts = path.relative_to(root).parts
            if "migrations" in parts or "tests" in parts or path.name.startswith("test_"):
                continue
            found.append(path)
    return found


def _module_limit(path: Path) -> int:
    return MAX_MODELS_LINES if path.name == "models.py" else MAX_MODULE_LINES


def oversized(paths: list[Path], root: Path = ROOT) -> list[str]:
    """One line per module or function over its limit, naming it and its length."""
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(root).as_posix()
        lines = len(text.splitlines())
        if lines > _module_limit(path):
            found.append(f"{name}: {lines} lines (limit {_module_limit(path)})")
        for node in ast.walk(ast.parse(text, name)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(
                        f"{name}:{node.lineno} {node.name}(): {length} lines "
                        f"(limit {MAX_FUNCTION_LINES})"
                    )
    return found


def test_the_apps_and_the_core_are_read():
    files = {p.relative_to(ROOT).as_posix() for p in _source_files()}
    assert {"kunqu_jiafu/drf.py", "vouchers/documents.py", "subsidies/admin/claim.py"} <= files
    assert not any("/migrations/" in f for f in files)


def test_no_module_or_function_is_too_long():
    found = oversized(_source_files())
    assert not found, "split by concept:\n" + "\n".join(found)


# --- the check checks ----------------------------------------------------------------------------


def _write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_planted_long_method_is_named(tmp_path):
    body = "".join(f"        x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    short = "def fine():\n" + "    y = 1\n" * (MAX_FUNCTION_LINES - 1)
    path = _write(
        tmp_path,
        "vouchers/services/planted.py",
        f"class Planted:\n    def too_long(self):\n{body}\n\n{short}",
    )

    found = oversized([path], tmp_path)

    assert found == [
        f"vouchers/services/planted.py:2 too_long(): {MAX_FUNCTION_LINES + 1} lines "
        f"(limit {MAX_FUNCTION_LINES})"
    ]


def test_a_long_module_is_named_and_models_get_more_room(tmp_path):
    lines = "x = 1\n" * (MAX_MODULE_LINES + 1)
    module = _write(tmp_path, "subsidies/admin/planted.py", lines)
    models = _write(tmp_path, "subsidies/models.py", lines)
    big_models = _write(tmp_path, "vouchers/models.py", "x = 1\n" * (MAX_MODELS_LINES + 1))

    found = oversized([module, models, big_models], tmp_path)

    assert found == [
        f"subsidies/admin/planted.py: {MAX_MODULE_LINES + 1} lines (limit {MAX_MODULE_LINES})",
        f"vouchers/models.py: {MAX_MODELS_LINES + 1} lines (limit {MAX_MODELS_LINES})",
    ]


def test_migrations_are_not_read(tmp_path):
    _write(tmp_path, "vouchers/migrations/0001_initial.py", "x = 1\n" * 2000)
    _write(tmp_path, "vouchers/selectors.py", "x = 1\n")

    files = [p.relative_to(tmp_path).as_posix() for p in _source_files(tmp_path)]

    assert files == ["vouchers/selectors.py"]
