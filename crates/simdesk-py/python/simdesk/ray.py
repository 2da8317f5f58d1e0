"""Scale out on an existing engine: Ray spreads generation and rollouts
over a cluster, and writes the same bytes a single process writes.

Generation partitions the computers the way ``simdesk generate --shard K/N``
does: shard K of N holds the indexes ``i`` with ``i % N == K``, each task
writes its shard's computer folders and its ``index-K-of-N.jsonl``. A
computer is a pure function of (template, seed, index), so which worker
makes it changes nothing.

Rollouts run a policy in one ``SimdeskEnv`` episode per computer. A rollout
is a pure function of the computer and the policy, so its recorded steps
are the same on any worker, and the same as ``rollout`` run locally.

>>> import ray, simdesk.ray
>>> ray.init(num_cpus=2)                                              # doctest: +SKIP
>>> simdesk.ray.generate("out/", template="paralegal", count=8, shards=4)  # doctest: +SKIP
>>> runs = simdesk.ray.rollouts(simdesk.ray.RandomPolicy(0), template="paralegal", count=8)  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import random
from typing import Any, Callable, Optional

import ray

import simdesk
from simdesk.gym import SimdeskEnv

__all__ = ["generate", "generate_shard", "rollouts", "rollout", "RandomPolicy"]


def generate_shard(
    out: str | os.PathLike,
    *,
    template: str = "financial-advisor",
    seed: int = 0,
    count: int,
    shard: tuple[int, int] = (0, 1),
    faults: int = 0,
) -> dict:
    """Writes the computers of shard ``(k, n)`` under ``out`` exactly as
    ``simdesk generate --shard K/N`` does; returns the shard's report."""
    return simdesk.generate_dataset(
        out, template=template, seed=seed, count=count, shard=shard, faults=faults
    )


def generate(
    out: str | os.PathLike,
    *,
    template: str = "financial-advisor",
    seed: int = 0,
    count: int,
    shards: Optional[int] = None,
    faults: int = 0,
) -> list[dict]:
    """Generates computers ``0..count`` of (template, seed) under ``out``
    with one Ray task per shard (default: one per CPU of the cluster, at
    most ``count``). ``out`` must be a folder every worker can write (on one
    machine, any folder). Returns the shards' reports in shard order."""
    n = shards or max(1, min(count, int(ray.cluster_resources().get("CPU", 1))))
    task = ray.remote(generate_shard)
    refs = [
        task.remote(
            os.fspath(out), template=template, seed=seed, count=count, shard=(k, n), faults=faults
        )
        for k in range(n)
    ]
    return ray.get(refs)


class RandomPolicy:
    """Calls a random tool with arguments from a few fixed examples; seeded,
    so a rollout with it is the same on every run. A stand-in for a real
    agent, for tests and throughput measurements."""

    ACTIONS = [
        {"name": "list_files", "arguments": {"path": "/"}},
        {"name": "list_emails", "arguments": {}},
        {"name": "read_calendar", "arguments": {}},
        {"name": "wait", "arguments": {"minutes": 30}},
        {"name": "read_file", "arguments": {"path": "/missing.txt"}},
    ]

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def __call__(self, observation: str, info: dict, rng: random.Random) -> str:
        return json.dumps(rng.choice(self.ACTIONS))


def rollout(
    policy: Callable[[str, dict, random.Random], Any],
    *,
    template: str = "financial-advisor",
    seed: int = 0,
    index: int = 0,
    faults: int = 0,
    max_steps: int = 20,
    policy_seed: int = 0,
) -> dict:
    """One episode of ``policy(observation, info, rng)`` in computer
    (template, seed, index); ``rng`` is a ``random.Random`` seeded from
    (policy_seed, index). Returns the episode: ``index``, ``steps`` (the
    session's recorded steps as JSON Lines), ``reward`` (summed),
    ``terminated``, ``truncated`` and ``state_hash`` of the final world."""
    env = SimdeskEnv(template, index=index, faults=faults, seed=seed, max_steps=max_steps)
    rng = random.Random(f"{policy_seed}:{index}")
    observation, info = env.reset(seed=seed)
    total, terminated, truncated = 0.0, False, False
    while not (terminated or truncated):
        action = policy(observation, info, rng)
        observation, reward, terminated, truncated, info = env.step(action)
        total += reward
    return {
        "index": index,
        "steps": env.session.steps_jsonl(),
        "reward": total,
        "terminated": terminated,
        "truncated": truncated,
        "state_hash": env.session.world.state_hash(),
    }


def rollouts(
    policy: Callable[[str, dict, random.Random], Any],
    *,
    template: str = "financial-advisor",
    seed: int = 0,
    count: int,
    faults: int = 0,
    max_steps: int = 20,
    policy_seed: int = 0,
) -> list[dict]:
    """``rollout`` in computers ``0..count``, one Ray task each; the
    episodes in index order."""
    task = ray.remote(rollout)
    refs = [
        task.remote(
            policy,
            template=template,
            seed=seed,
            index=i,
            faults=faults,
            max_steps=max_steps,
            policy_seed=policy_seed,
        )
        for i in range(count)
    ]
    return ray.get(refs)
