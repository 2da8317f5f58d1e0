"""The type stubs name exactly what the native module exports."""

import ast
import pathlib

import simdesk
from simdesk import _simdesk

STUB = pathlib.Path(simdesk.__file__).resolve().parent / "_simdesk.pyi"


def _public(names):
    return sorted(n for n in names if not n.startswith("_") or n == "__version__")


def test_stub_names_every_export_and_method():
    tree = ast.parse(STUB.read_text())
    top, members = set(), {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            top.add(node.target.id)
        if isinstance(node, ast.ClassDef):
            members[node.name] = {
                n.name if isinstance(n, ast.FunctionDef) else n.target.id
                for n in node.body
                if isinstance(n, (ast.FunctionDef, ast.AnnAssign))
            }
    assert _public(dir(_simdesk)) == _public(top - {"Json", "Responder"})
    for cls in ("World", "Session"):
        native = set(_public(vars(getattr(_simdesk, cls))))
        assert native == set(_public(members[cls])), cls
