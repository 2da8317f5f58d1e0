"""The chat dataset loads with Hugging Face `datasets` (the reader
fine-tuning pipelines use), and its tool calls have the function-calling
shape of the package's own `Session.tools()`.

Runs are made by the Python package (`Session.save_run`), turned into JSON
Lines by `simdesk dataset` (built by `cargo test` before pytest runs)."""

import json
import os
import pathlib
import subprocess

import pytest

import simdesk

ROOT = pathlib.Path(__file__).resolve().parents[2]
SIMDESK = pathlib.Path(os.environ.get("SIMDESK_BIN", ROOT / "target" / "debug" / "simdesk"))

CALLS = [
    [("read_calendar", {}), ("list_emails", {}), ("wait_for_email", {}), ("finish", {})],
    [("list_emails", {}), ("read_file", {"path": "/nowhere.txt"}), ("finish", {"summary": "done"})],
]


def _need(thing, ok, why):
    if not ok:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{thing} is missing under CI: {why}")
        pytest.skip(f"{thing} is missing: {why}")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    _need("simdesk binary", SIMDESK.exists(), f"build it with cargo (looked at {SIMDESK})")
    root = tmp_path_factory.mktemp("runs")
    tools = None
    for seed, calls in enumerate(CALLS):
        s = simdesk.Session.generate("financial-advisor", seed=seed, index=0)
        for name, args in calls:
            s.invoke(name, args)
        meta = s.save_run(root / f"run-{seed}", template="financial-advisor", seed=seed)
        assert meta["steps"] == len(calls)
        assert meta["origin"]["door"] == "python"
        tools = s.tools()
    return Runs(root, tools)


class Runs:
    """The folder of runs and the tools their sessions listed."""

    def __init__(self, root, tools):
        self.root = root
        self.tools = tools


def _dataset(runs, fmt, out, *extra):
    done = subprocess.run(
        [str(SIMDESK), "dataset", str(runs.root), "--format", fmt, "--out", str(out), *extra],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return out


def test_chat_loads_with_datasets_and_matches_the_tools(runs, tmp_path):
    try:
        import datasets
    except ImportError:
        datasets = None
    _need("datasets", datasets is not None, "pip install datasets")
    chat = _dataset(runs, "chat", tmp_path / "chat.jsonl")
    ds = datasets.load_dataset(
        "json", data_files=str(chat), split="train", cache_dir=str(tmp_path / "cache")
    )
    assert len(ds) == len(CALLS)
    assert ds["run"] == ["run-0", "run-1"]
    assert ds["template"] == ["financial-advisor"] * 2

    tools = {t["name"]: t["input_schema"] for t in runs.tools}
    for row, calls in zip(ds, CALLS):
        messages = row["messages"]
        assert [m["role"] for m in messages[:2]] == ["system", "user"]
        assistant = [m for m in messages if m["role"] == "assistant"]
        assert [m["tool_calls"][0]["function"]["name"] for m in assistant] == [c[0] for c in calls]
        for i, m in enumerate(messages):
            if m["role"] != "assistant":
                continue
            assert m["content"] is None
            (call,) = m["tool_calls"]
            assert call["type"] == "function"
            name = call["function"]["name"]
            schema = tools[name]
            args = json.loads(call["function"]["arguments"])
            assert isinstance(args, dict)
            assert set(args) <= set(schema.get("properties", {})), (name, args)
            assert set(schema.get("required", [])) <= set(args), (name, args)
            answer = messages[i + 1]
            assert answer["role"] == "tool" and answer["tool_call_id"] == call["id"]
            assert isinstance(answer["content"], str) and answer["content"]


def test_steps_load_and_rewards_add_up(runs, tmp_path):
    try:
        import datasets
    except ImportError:
        datasets = None
    _need("datasets", datasets is not None, "pip install datasets")
    steps = _dataset(runs, "steps", tmp_path / "steps.jsonl")
    ds = datasets.load_dataset(
        "json", data_files=str(steps), split="train", cache_dir=str(tmp_path / "cache")
    )
    assert len(ds) == sum(len(c) for c in CALLS)
    for run in ("run-0", "run-1"):
        rows = [r for r in ds if r["run"] == run]
        assert [r["done"] for r in rows] == [False] * (len(rows) - 1) + [True]
        meta = json.loads((runs.root / run / "run.json").read_text())
        assert abs(sum(r["reward"] for r in rows) - meta["reward"]) < 1e-9
