"""Bad input gives a Python exception with the Rust message (a
`simdesk.SimdeskError` subclass, its Rust cause as `__cause__`), never a
crash, and a refused call changes nothing."""

import math

import pytest

import simdesk
from conftest import BOOK, set_b1


def test_every_error_class_is_a_simdesk_error():
    for cls in (
        simdesk.InvalidInput,
        simdesk.PathError,
        simdesk.TemplateError,
        simdesk.OpRefused,
        simdesk.SnapshotError,
        simdesk.StoreError,
    ):
        assert issubclass(cls, simdesk.SimdeskError)
    assert issubclass(simdesk.SimdeskError, Exception)
    assert simdesk.SimdeskError.__module__ == "simdesk"


def test_unknown_template():
    with pytest.raises(simdesk.TemplateError) as e:
        simdesk.generate("astronaut")
    assert str(e.value) == 'unknown template "astronaut"'


def test_malformed_op_keeps_the_serde_error_as_cause(small):
    before = small.state_hash()
    with pytest.raises(simdesk.InvalidInput) as e:
        small.apply({"op": "teleport", "path": BOOK})
    assert str(e.value).startswith("invalid op: unknown variant `teleport`, expected one of `mkdir`")
    assert isinstance(e.value.__cause__, simdesk.SimdeskError)
    assert str(e.value.__cause__).startswith("unknown variant `teleport`")
    assert small.state_hash() == before
    assert len(small.trajectory()) == 1  # nothing recorded: it never became an op


@pytest.mark.parametrize(
    "op, cause",
    [
        ({"op": "mkdir", "path": {1, 2}}, TypeError),
        ({"op": "mkdir", "path": object()}, TypeError),
        ({"op": "set_cells", "value": math.nan}, ValueError),
    ],
)
def test_op_that_is_not_json_data(small, op, cause):
    with pytest.raises(simdesk.InvalidInput) as e:
        small.apply(op)
    assert str(e.value).startswith("op is not plain JSON data: ")
    assert isinstance(e.value.__cause__, cause)


def test_op_of_the_wrong_shape(small):
    with pytest.raises(simdesk.InvalidInput) as e:
        small.apply("mkdir /x")
    assert str(e.value).startswith("invalid op: invalid type: string")
    with pytest.raises(simdesk.InvalidInput) as e:
        small.apply({"op": "set_cells", "path": BOOK, "sheet": 3, "cells": []})
    assert "invalid type: integer `3`, expected a string" in str(e.value)


def test_deeply_nested_input_is_refused_not_a_crash(small):
    deep = {}
    for _ in range(100_000):
        deep = {"a": deep}
    with pytest.raises(simdesk.InvalidInput) as e:
        small.apply(deep)
    assert isinstance(e.value.__cause__, RecursionError)
    nested = []
    for _ in range(500):
        nested = [nested]
    with pytest.raises(simdesk.InvalidInput) as e:
        small.apply({"op": "mkdir", "path": nested})
    assert "recursion limit exceeded" in str(e.value)


def test_oversized_input_names_the_limit(small):
    with pytest.raises(simdesk.InvalidInput) as e:
        small.apply({"op": "mkdir", "path": "x" * (17 << 20)})
    size = len('{"op":"mkdir","path":""}') + (17 << 20)
    assert str(e.value) == f"op is {size} bytes as JSON, over the limit of 16777216 bytes"


def test_refused_op_changes_nothing_and_carries_its_outcome(small):
    before = small.state_hash()
    with pytest.raises(simdesk.OpRefused) as e:
        small.apply({"op": "delete", "path": "/Nope.txt"})
    assert str(e.value) == "op refused: nothing at /Nope.txt"
    assert e.value.outcome == {
        "kind": "rejected",
        "seq": 2,
        "revision": 1,
        "diagnostics": [
            {"code": "SD005", "severity": "error", "message": "nothing at /Nope.txt", "refs": ["/Nope.txt"]}
        ],
        "recomputed": [],
        "recomputed_cells": [],
    }
    assert small.state_hash() == before
    assert small.trajectory()[-1]["outcome"] == "rejected"


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda w: w.read("/../etc/passwd"), 'path "/../etc/passwd": invalid path "/../etc/passwd": \'..\' component (component "..")'),
        (lambda w: w.read("/Models/none.xlsx"), "no file at /Models/none.xlsx"),
        (lambda w: w.ls("/Nowhere"), "no folder at /Nowhere"),
        (lambda w: w.ls(BOOK), "no folder at /Models/p.xlsx"),
        (lambda w: w.cells("/Models", "Summary", "A1"), "no file at /Models"),
        (lambda w: w.apply({"op": "mkdir", "path": "relative/x"}), None),
    ],
)
def test_bad_paths(small, call, message):
    with pytest.raises((simdesk.PathError, simdesk.InvalidInput)) as e:
        call(small)
    if message is not None:
        assert isinstance(e.value, simdesk.PathError)
        assert str(e.value) == message


def test_bad_cell_ranges(small):
    with pytest.raises(simdesk.InvalidInput) as e:
        small.cells(BOOK, "Nope", "A1")
    assert str(e.value) == 'workbook /Models/p.xlsx has no sheet "Nope"'
    with pytest.raises(simdesk.InvalidInput) as e:
        small.cells(BOOK, "Summary", "A1:ZZ")
    assert str(e.value).startswith('cell range "A1:ZZ": ')
    with pytest.raises(simdesk.InvalidInput) as e:
        small.cells(BOOK, "Summary", "A1:XFD1048576")
    assert str(e.value) == (
        "cell range A1:XFD1048576 holds 17179869184 cells, over the limit of 1048576"
    )


def test_cells_of_a_file_that_is_not_a_workbook(small):
    small.apply({"op": "create", "path": "/n.md", "artifact": {"kind": "text", "format": "markdown", "content": "hi"}})
    with pytest.raises(simdesk.PathError) as e:
        small.cells("/n.md", "Summary", "A1")
    assert str(e.value) == "/n.md is a Text, not a workbook"


def test_wrong_python_types_raise_type_errors(small):
    with pytest.raises(TypeError):
        simdesk.generate(seed="zero")
    with pytest.raises(OverflowError):
        simdesk.generate(seed=-1)
    with pytest.raises(TypeError):
        small.read(42)
    with pytest.raises(TypeError):
        simdesk.loads("not bytes")
    with pytest.raises(simdesk.InvalidInput):
        simdesk.World(start="yesterday")
    with pytest.raises(simdesk.InvalidInput):
        simdesk.World(persona={"name": 5})


def test_bad_snapshots(tmp_path):
    with pytest.raises(simdesk.SnapshotError) as e:
        simdesk.loads(b"not a snapshot")
    assert str(e.value)
    with pytest.raises(simdesk.StoreError) as e:
        simdesk.load(tmp_path / "missing.simdesk")
    assert isinstance(e.value.__cause__, FileNotFoundError)
    (tmp_path / "bad.simdesk").write_bytes(b"\0" * 100)
    with pytest.raises(simdesk.SnapshotError) as e:
        simdesk.load(tmp_path / "bad.simdesk")
    assert str(e.value).startswith(str(tmp_path / "bad.simdesk") + ": ")


def test_a_refusal_is_recoverable(small):
    with pytest.raises(simdesk.OpRefused):
        small.apply({"op": "delete", "path": "/Nope.txt"})
    assert small.apply(set_b1(1))["kind"] == "applied"
