"""The house's import order, read from the source with ast.

Dependencies point one way: common ← accounts ← units ← audit ← indicators ← scoring ← reports ←
ops. A lower layer never
imports a higher one (it sends a signal from common/signals.py instead), and no module reaches into
another module for a private (``_name``) symbol: what is shared is given a public name.
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["common", "accounts", "units", "audit", "indicators", "scoring", "reports", "ops"]
RANK = {name: rank for rank, name in enumerate(LAYERS)}


def _modules():
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            if "migrations" in path.relative_to(ROOT).parts:
                continue
            yield layer, path


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path):
    """Yield (line, imported module, imported names) for every import in the file, anywhere."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield node.lineno, module, [alias.name for alias in node.names]


def _violations():
    layer_problems, private_problems = [], []
    for layer, path in _modules():
        where = path.relative_to(ROOT)
        for line, module, names in _imports(path):
            top = module.split(".")[0]
            if top in RANK and RANK[top] > RANK[layer]:
                layer_problems.append(f"{where}:{line} {layer} imports {module}")
            if top in RANK and module != _module_name(path):
                for name in names:
                    if name.startswith("_") and not name.startswith("__"):
                        private_problems.append(f"{where}:{line} imports {module}.{name}")
    return layer_problems, private_problems


def test_the_walk_sees_every_layer():
    """A walk that found nothing would pass vacuously."""
    seen = {layer for layer, _ in _modules()}
    assert seen == set(LAYERS)
    assert sum(1 for _ in _modules()) > 100


def test_no_layer_imports_a_higher_one():
    layer_problems, _ = _violations()
    assert layer_problems == []


def test_no_module_imports_a_private_name_of_another():
    _, private_problems = _violations()
    assert private_problems == []


@pytest.mark.parametrize(
    ("layer", "source", "expected"),
    [
        ("units", "from scoring.models import Cycle\n", "layer"),
        ("common", "import reports.selectors\n", "layer"),
        ("indicators", "def f():\n    from scoring import access\n", "layer"),
        ("scoring", "from reports.selectors import x\n", "layer"),
        ("reports", "from scoring.access import cycle_get\n", None),
        ("scoring", "from common.formats import _private\n", "private"),
        ("scoring", "from units.models import Unit\n", None),
    ],
)
def test_the_checker_catches_what_it_should(tmp_path, monkeypatch, layer, source, expected):
    """The checker itself, on small files written for it, so the two real tests cannot be empty."""
    fake_root = tmp_path
    for name in LAYERS:
        (fake_root / name).mkdir()
    (fake_root / layer / "mod.py").write_text(source, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", fake_root)
    layer_problems, private_problems = _violations()
    if expected == "layer":
        assert len(layer_problems) == 1 and private_problems == []
    elif expected == "private":
        assert private_problems and layer_problems == []
    else:
        assert layer_problems == [] and private_problems == []
