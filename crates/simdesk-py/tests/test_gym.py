"""simdesk.gym.SimdeskEnv: passes Gymnasium's env checker, runs a
random-policy episode, resets by fork, and ends by finishing or by budget."""

import json
import random
import warnings

import gymnasium
import pytest
from gymnasium.utils.env_checker import check_env

import simdesk
import simdesk.gym
from simdesk.gym import SimdeskEnv
from conftest import SCENARIO


@pytest.fixture(scope="module")
def env():
    return SimdeskEnv("financial-advisor", max_steps=10)


def call(name, **arguments):
    return json.dumps({"name": name, "arguments": arguments})


def test_passes_the_gymnasium_env_checker():
    env = gymnasium.make(simdesk.gym.ENV_ID, template="paralegal", max_steps=5, render_mode="ansi")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any checker warning fails the test
        check_env(env.unwrapped, skip_render_check=False)


def test_a_random_policy_episode(env):
    rng = random.Random(7)
    tools = [t["name"] for t in env.tools if t["name"] not in ("finish",)]
    obs, info = env.reset(seed=0)
    assert env.observation_space.contains(obs)
    # The session starts when the generated world ends.
    assert info == {"time": simdesk.generate("financial-advisor", seed=0).now, "steps": 0}
    steps, total, terminated, truncated = 0, 0.0, False, False
    while not (terminated or truncated):
        action = call(rng.choice(tools), path="/C/Users")
        obs, reward, terminated, truncated, info = env.step(action)
        assert env.observation_space.contains(obs) and isinstance(reward, float)
        total += reward
        steps += 1
    assert (steps, terminated, truncated) == (10, False, True)
    assert 0.0 <= total <= 1.0
    assert len(env.session.steps()) == 10


def test_reset_forks_so_episodes_do_not_leak(env):
    env.reset(seed=0)
    env.step(call("create_note", path="/C/Users/clairefitzgerald/Desktop/todo.md", text="x"))
    first = env.session.world
    env.reset(seed=0)
    assert env.session.steps() == []
    with pytest.raises(simdesk.PathError):
        env.session.world.read("/C/Users/clairefitzgerald/Desktop/todo.md")
    assert first.read("/C/Users/clairefitzgerald/Desktop/todo.md").startswith("x")


def test_options_choose_the_template(env):
    env.reset(seed=3, options={"template": "construction-pm"})
    assert env.session.world.persona["profile"]["template"] == "construction-pm"


def test_finish_terminates_with_the_score_as_reward(env):
    env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(call("finish", summary="done"))
    assert (terminated, truncated) == (True, False)
    assert reward == env.session.score()["reward"]


def test_bad_actions_are_observations_not_exceptions(env):
    env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step("{not json")
    assert obs.startswith("error: the action is not JSON: ")
    assert info["is_error"] and info["error"] == "bad_action"
    obs, *_ = env.step(json.dumps({"arguments": {}}))
    assert obs.startswith("error: the action is not a tool call")
    obs, *_, info = env.step(json.dumps({"name": "read_file", "arguments": '{"path": "/nope"}'}))
    assert info["error"] == "not_found", obs
    obs, *_ = env.step({"name": "list_files", "arguments": {"path": "/"}})
    assert obs == "/ (1 entries)\n/C/\n"


def test_per_objective_rewards_and_a_session_factory(ana):
    env = SimdeskEnv(reward="objectives", max_steps=10, make_session=lambda *key: simdesk.Session(ana, SCENARIO))
    obs, info = env.reset(seed=0)
    assert obs == "You are Ana Ruiz, an advisor. Read your mail."
    rewards = []
    for action in [
        call("wait_for_email"),
        call("wait_for_email"),
        call("export_csv", path="/Users/ana/fees.xlsx", target="/Users/ana/fees.csv"),
        call("send_email", to=["rita.ruiz@mail.example"], subject="Fee table", body="Attached.",
             attachments=["/Users/ana/fees.csv"]),
    ]:
        obs, reward, terminated, truncated, info = env.step(action)
        assert not info["is_error"], obs
        rewards.append(reward)
    assert "new email from Rita Ruiz: Fee table" in env.session.steps()[1]["result"]["text"]
    # An objective counts once all its goals hold: here, when the CSV is sent.
    assert rewards == [0.0, 0.0, 0.0, 1.0]
    assert env.session.score()["objectives"][0]["met"]


def test_bad_env_arguments():
    with pytest.raises(ValueError):
        SimdeskEnv(reward="dense")
    with pytest.raises(ValueError):
        SimdeskEnv(max_steps=0)
