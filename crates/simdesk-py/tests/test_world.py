"""The World API: generate, load, templates, reads, the one mutation path,
checks, scores and forks."""

import copy
import pickle

import pytest

import simdesk
from conftest import BOOK, set_b1, workbook_op


def test_templates_lists_every_builtin_occupation():
    ids = [t["id"] for t in simdesk.templates()]
    assert ids == [
        "clinical-research-coordinator",
        "construction-pm",
        "financial-advisor",
        "hr-business-partner",
        "marketing-manager",
        "paralegal",
    ]
    assert all(t["description"] for t in simdesk.templates())


def test_generate_is_a_pure_function_of_its_arguments(generated):
    again = simdesk.generate("financial-advisor", seed=0, index=0)
    assert again.snapshot() == generated.snapshot()
    other = simdesk.generate("financial-advisor", seed=0, index=1)
    assert other.state_hash() != generated.state_hash()
    assert len(generated) >= 100
    assert len(generated.objectives) >= 4


def test_generate_with_faults_plants_findings():
    clean = simdesk.generate("paralegal", seed=5, index=0, faults=0)
    faulty = simdesk.generate("paralegal", seed=5, index=0, faults=3)
    errors = lambda w: [d for d in w.check() if d["severity"] == "error"]  # noqa: E731
    assert len(errors(faulty)) > len(errors(clean))


def test_ls_lists_one_folder(small):
    assert small.ls() == [{"path": "/Models", "kind": None, "rev": 0, "modified_at": None}]
    assert small.ls("/Models") == [
        {"path": BOOK, "kind": "workbook", "rev": 1, "modified_at": "2026-01-05T09:00:00Z"}
    ]


def test_read_shows_the_agents_text_view(small):
    assert small.read(BOOK) == (
        "## Sheet Summary (3 rows x 2 columns)\n"
        "     | A           | B           |\n"
        "   1 | Total       | 2           |\n"
        "   2 |             | 3           |\n"
        "   3 |             | 5 [=B1+B2]  |\n"
        "\n"
    )


def test_cells_returns_rows_with_none_for_empty_cells(small):
    assert small.cells(BOOK, "Summary", "A1:B3") == [
        [{"value": {"text": "Total"}}, {"value": {"number": 2.0}}],
        [None, {"value": {"number": 3.0}}],
        [None, {"value": {"number": 5.0}, "formula": "B1+B2"}],
    ]
    assert small.cells(BOOK, "Summary", "B3") == [[{"value": {"number": 5.0}, "formula": "B1+B2"}]]


def test_apply_propagates_and_returns_the_outcome(small):
    outcome = small.apply(set_b1(10))
    assert outcome == {
        "kind": "applied",
        "seq": 2,
        "revision": 2,
        "diagnostics": [],
        "recomputed": [],
        "recomputed_cells": ["/Models/p.xlsx#Summary!B3"],
    }
    assert small.cells(BOOK, "Summary", "B3") == [[{"value": {"number": 13.0}, "formula": "B1+B2"}]]
    assert small.revision == 2


def test_apply_as_records_the_actor(small):
    small.apply(set_b1(4), actor="noa@example.com")
    assert small.trajectory()[-1]["actor"] == "noa@example.com"


def test_trajectory_records_every_op(small):
    small.apply(set_b1(7))
    events = small.trajectory()
    assert [(e["seq"], e["actor"], e["op"]["op"], e["outcome"]) for e in events] == [
        (1, "agent", "create", "applied"),
        (2, "agent", "set_cells", "applied"),
    ]
    assert small.trajectory_jsonl().splitlines()[1].startswith('{"seq":2,')


def test_stale_and_check_report_an_export_behind_its_source(small):
    assert small.stale() == []
    assert [d["code"] for d in small.check()] == ["SD020"]  # an orphan, info only
    small.apply({"op": "export", "source": BOOK, "target": "/Out/p.csv"})
    small.apply(set_b1(5))
    assert small.stale() == [
        {
            "path": "/Out/p.csv",
            "causes": [
                {
                    "source": BOOK,
                    "dependent": "/Out/p.csv",
                    "kind": "export",
                    "source_rev": 3,
                    "seen": 1,
                    "missing": "export /Models/p.xlsx to /Out/p.csv again",
                    "chain": [BOOK, "/Out/p.csv"],
                    "message": "/Models/p.xlsx changed at revision 3 but /Out/p.csv still holds "
                    "its revision 1 (missing: export /Models/p.xlsx to /Out/p.csv again); "
                    "chain: /Models/p.xlsx -> /Out/p.csv",
                }
            ],
        }
    ]
    [finding] = [d for d in small.check() if d["severity"] == "error"]
    assert (finding["code"], finding["severity"], finding["refs"]) == (
        "SD013",
        "error",
        ["/Out/p.csv", BOOK],
    )


def test_score_reports_every_objective(generated):
    report = generated.score()
    ids = [o["id"] for o in report["objectives"]]
    assert ids == [o["id"] for o in generated.objectives]
    # A freshly generated computer has its work still to do.
    assert not any(o["met"] for o in report["objectives"])
    only = generated.score(objective=ids[0])
    assert [o["id"] for o in only["objectives"]] == ids[:1]


def test_fork_is_isolated_both_ways(small):
    fork = small.fork()
    assert fork.state_hash() == small.state_hash()
    fork.apply(set_b1(100))
    assert small.cells(BOOK, "Summary", "B1") == [[{"value": {"number": 2.0}}]]
    assert fork.cells(BOOK, "Summary", "B1") == [[{"value": {"number": 100.0}}]]
    small.apply(workbook_op("/Models/q.xlsx"))
    assert [e["path"] for e in fork.ls("/Models")] == [BOOK]
    assert len(fork.trajectory()) == 2 and len(small.trajectory()) == 2


def test_fork_of_a_generated_world_shares_then_diverges(generated):
    fork = generated.fork()
    before = generated.state_hash()
    fork.apply({"op": "mkdir", "path": "/Scratch"})
    assert generated.state_hash() == before
    assert fork.state_hash() != before


def test_copy_and_deepcopy_fork(small):
    for c in (copy.copy(small), copy.deepcopy(small)):
        c.apply(set_b1(9))
        assert small.cells(BOOK, "Summary", "B1") == [[{"value": {"number": 2.0}}]]


def test_snapshot_loads_and_pickles_back_to_the_same_world(small, tmp_path):
    data = small.snapshot()
    assert simdesk.loads(data).snapshot() == data
    assert pickle.loads(pickle.dumps(small)).snapshot() == data
    path = tmp_path / "w.simdesk"
    path.write_bytes(data)
    assert simdesk.load(str(path)).snapshot() == data
    assert simdesk.load(path).state_hash() == small.state_hash()


def test_properties(small):
    assert small.now == "2026-01-05T09:00:00Z"
    assert small.persona == {"name": "Mei Chen", "email": "", "role": "", "employer": ""}
    assert small.objectives == []
    assert len(small) == 1
    assert repr(small) == '<simdesk.World of "Mei Chen": 1 artifacts, revision 1, 2026-01-05T09:00:00Z>'


def test_the_package_docstring_examples_run():
    import doctest

    import simdesk.gym

    for module in (simdesk, simdesk.gym):
        result = doctest.testmod(module)
        assert result.failed == 0, module
    assert doctest.testmod(simdesk).attempted >= 6


def test_save_writes_a_world_file_that_loads_back(small, tmp_path):
    path = tmp_path / "w.simdesk"
    small.save(path)
    back = simdesk.load(path)
    assert back.state_hash() == small.state_hash()
    assert back.snapshot() == small.snapshot()
    # No temporary sibling is left beside it.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.simdesk"]
    with pytest.raises(simdesk.StoreError):
        small.save(path / "inside-a-file.simdesk")


def test_export_writes_real_files_and_refuses_a_non_empty_folder(small, tmp_path):
    out = tmp_path / "tree"
    report = small.export(out)
    assert report["state_hash"] == small.state_hash()
    assert report["artifacts"] == len(small)
    assert (out / ".simdesk" / "manifest.json").is_file()
    written = sorted(
        str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and ".simdesk" not in p.parts
    )
    assert len(written) == report["artifacts"]
    with pytest.raises(simdesk.StoreError):
        small.export(out)
    assert small.export(out, force=True)["state_hash"] == report["state_hash"]


def test_generate_dataset_writes_computers_and_an_index(tmp_path):
    report = simdesk.generate_dataset(tmp_path / "out", template="paralegal", seed=3, count=2)
    assert report["written"] == 2 and report["failures"] == []
    lines = (tmp_path / "out" / "index.jsonl").read_text().splitlines()
    assert len(lines) == 2
    for comp in sorted(p for p in (tmp_path / "out").iterdir() if p.is_dir()):
        assert (comp / "files").is_dir()
        world = simdesk.load(comp / "grading" / "world.simdesk")
        # The same computer as generated in memory.
        assert len(world) == len(simdesk.generate("paralegal", seed=3, index=int(comp.name.rsplit("-", 1)[1])))
    with pytest.raises(simdesk.InvalidInput):
        simdesk.generate_dataset(tmp_path / "bad", shard=(2, 2))
