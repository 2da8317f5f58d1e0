#!/usr/bin/env bash
# The project's one test command: the Rust tests (and the 120-month sweep
# of every template's generated months), then the Python package
# built once with the dev profile and its pytest suite, then the official
# Python MCP SDK against `simdesk serve` (one objective over stdio, and the
# README's rollout harness over HTTP).
#
#   bash scripts/test.sh            # everything
#   bash scripts/test.sh -k fork    # extra arguments go to pytest
#
# Installs what the Python tests need into the active Python (maturin to
# build, gymnasium for the environment, pytest, the mcp SDK, Hugging Face
# datasets for the chat dataset reader). The Ray test runs only where ray
# is installed (its wheel is large: .ci/run installs it); under CI=true it
# fails instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"

cargo test --workspace
# Every template × 20 seeds: each computer's month played by the reference
# agent (20+ objectives over 20+ days, 300+ calls, 3+ collaborators
# answering, reward 1.0). Run through `--workspace` so it reuses the build
# above (a `-p` build unifies features differently and compiles again).
cargo test --workspace -- --ignored month::twenty

"$PY" -m pip install --quiet --disable-pip-version-check \
  "maturin>=1.16,<2" "gymnasium>=1.0" "pytest>=8" "pytest-benchmark>=4" "mcp>=2,<3" \
  "datasets>=3"
# Dev profile: the extension reuses what `cargo test` just compiled, so it
# builds in seconds rather than the minutes of a release build.
"$PY" -m pip install --quiet --disable-pip-version-check --no-build-isolation \
  --force-reinstall --no-deps \
  --config-settings=build-args="--profile dev --strip" ./crates/simdesk-py
"$PY" -m pytest crates/simdesk-py/tests tests/python "$@"
# The official Python MCP SDK drives `simdesk serve` (built by `cargo test`
# above) over stdio through one objective end to end, then `simdesk score`
# checks the saved world.
"$PY" tests/python/mcp_client.py target/debug/simdesk
# The README's harness example: four concurrent rollouts over HTTP, each
# its own session, scored and saved with the harness tools.
"$PY" examples/rollouts.py --simdesk target/debug/simdesk --rollouts 4
