"""Benchmarks (pytest-benchmark), compared side by side in one run:

    pytest crates/simdesk-py/benches --benchmark-only \
        --benchmark-columns=min,median,mean,ops,rounds --benchmark-group-by=group

Build the extension and the CLI in release first (`pip install
./crates/simdesk-py` and `cargo build --release -p simdesk-cli`); the CLI is
found through $SIMDESK_BIN or target/release/simdesk. Numbers are reported,
never asserted.
"""

import copy
import json
import os
import pathlib
import subprocess

import pytest

import simdesk
from simdesk.gym import SimdeskEnv

ROOT = pathlib.Path(__file__).resolve().parents[3]
TEMPLATE = "financial-advisor"


@pytest.fixture(scope="module")
def world():
    return simdesk.generate(TEMPLATE, seed=0, index=0)


# --- env steps per second for a read tool --------------------------------

NOTE = "/C/Users/clairefitzgerald/Documents/Notes"


@pytest.fixture(scope="module")
def env():
    env = SimdeskEnv(TEMPLATE, max_steps=1 << 40)
    env.reset(seed=0)
    return env


def _a_note(world):
    return next(e["path"] for e in world.ls(NOTE) if e["kind"] == "text")


@pytest.mark.benchmark(group="env-step")
def test_env_step_read_file(benchmark, env):
    action = json.dumps({"name": "read_file", "arguments": {"path": _a_note(env.session.world)}})
    benchmark(env.step, action)


@pytest.mark.benchmark(group="env-step")
def test_session_call_read_file(benchmark, env):
    session, path = env.session.fork(), _a_note(env.session.world)
    benchmark(session.call, "read_file", {"path": path})


@pytest.mark.benchmark(group="env-step")
def test_world_read(benchmark, world):
    benchmark(world.read, _a_note(world))


# --- reset: fork vs deep copy of the equivalent JSON state ----------------


@pytest.mark.benchmark(group="reset")
def test_reset_by_world_fork(benchmark, world):
    benchmark(world.fork)


@pytest.mark.benchmark(group="reset")
def test_reset_by_env_reset(benchmark, env):
    benchmark(env.reset, seed=0)


@pytest.mark.benchmark(group="reset")
def test_reset_by_deepcopy_of_json_state(benchmark, world):
    state = world.state()
    benchmark(copy.deepcopy, state)


# --- generate: from Python vs the CLI, per computer -----------------------


def _cli():
    path = os.environ.get("SIMDESK_BIN") or str(ROOT / "target" / "release" / "simdesk")
    if not os.path.exists(path):
        pytest.skip(f"no simdesk binary at {path}: cargo build --release -p simdesk-cli")
    return path


@pytest.mark.benchmark(group="generate")
def test_generate_in_python(benchmark):
    seeds = iter(range(1_000_000))
    benchmark(lambda: simdesk.generate(TEMPLATE, seed=next(seeds)))


@pytest.mark.benchmark(group="generate")
def test_generate_with_the_cli(benchmark, tmp_path):
    cli = _cli()
    seeds = iter(range(1_000_000))

    def run():
        seed = next(seeds)
        subprocess.run(
            [cli, "generate", "--template", TEMPLATE, "--seed", str(seed), "--out", str(tmp_path / str(seed))],
            check=True,
            capture_output=True,
        )

    benchmark(run)
