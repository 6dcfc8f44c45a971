"""audit sits just above units: it imports none of indicators, scoring, reports, the project."""

import ast
from pathlib import Path

from django.conf import settings

HIGHER = {"indicators", "scoring", "reports", "fengtai_assess"}


def test_audit_imports_no_higher_layer():
    offenders = []
    for path in (Path(settings.BASE_DIR) / "audit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            else:
                continue
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in HIGHER]
    assert offenders == []
