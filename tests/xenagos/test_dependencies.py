"""The direction of the dependencies between our apps (style.md, "Layout and names"), read from the source with
``ast``: function-level imports count as much as those at the top."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``path``; relative ones are resolved against its package."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            # ``from . import tasks`` imports a module: name each imported name as a module too
            found += [(node.lineno, module)] + [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def _sources(app: str) -> list[Path]:
    return sorted(path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts)


def test_the_imports_are_resolved_as_python_does():
    """The checks below could not fail if relative imports were read wrong."""
    views = _imports(ROOT / "content" / "views.py")
    assert any(module == "content.models" for _line, module in views)
    assert any(module == "gis.layers" for _line, module in views)
    tasks = _imports(ROOT / "tiles" / "tasks.py")
    assert any(module == "tiles.services" for _line, module in tasks)


def test_content_imports_gis_and_neither_importers_nor_tiles():
    """Layers, overlays and other apps' parts reach content through gis' registries (gis.layers, gis.api.kinds)."""
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in _sources("content")
        for line, module in _imports(path)
        if module.split(".")[0] in {"importers", "tiles"}
    ]
    assert not offending


def test_gis_imports_neither_content_nor_importers_nor_tiles():
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in _sources("gis")
        for line, module in _imports(path)
        if module.split(".")[0] in {"content", "importers", "tiles"}
    ]
    assert not offending


def test_tasks_import_services_and_never_the_other_way_round():
    """A service, selector or model never imports a tasks module (the caller enqueues, or tasks.py wraps it)."""
    layers = {"services", "selectors", "models"}
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for app in ("gis", "tiles", "content")
        for path in _sources(app)
        if layers & set(path.relative_to(ROOT).with_suffix("").parts[1:])
        for line, module in _imports(path)
        if "tasks" in module.split(".")
    ]
    assert not offending
