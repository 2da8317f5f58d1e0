"""A Gymnasium environment over a simdesk session.

Observations are text: the session's brief on ``reset``, then each tool
call's result (which already lists the mail and files that arrived while the
call's simulated time passed). Actions are tool calls as JSON text,
``{"name": "read_file", "arguments": {"path": "/..."}}`` (a dict of the same
shape is accepted too). The tools are ``env.tools`` (the JSON-schema form LLM
function calling uses).

Everything an action does is the simulation's: this module parses the action,
calls the session and reads its score. ``reset`` forks a session built once
per (template, seed, index, faults): O(1), nothing copied.

>>> import simdesk.gym
>>> env = simdesk.gym.SimdeskEnv("financial-advisor")  # doctest: +SKIP
>>> obs, info = env.reset(seed=0)                       # doctest: +SKIP
>>> obs, reward, terminated, truncated, info = env.step(
...     '{"name": "list_files", "arguments": {"path": "/"}}')  # doctest: +SKIP
"""

from __future__ import annotations

import json
import string
from collections import OrderedDict
from typing import Any, Callable, Optional

import gymnasium
from gymnasium import spaces

import simdesk

__all__ = ["ENV_ID", "SimdeskEnv", "UnicodeText", "MAX_ACTION_CHARS", "MAX_OBSERVATION_CHARS"]

#: The longest action text the action space describes (and the env accepts).
MAX_ACTION_CHARS = 1 << 20
#: The longest observation the observation space describes.
MAX_OBSERVATION_CHARS = 1 << 22
#: How many base sessions (one per template, seed, index, faults) a single
#: env keeps to fork from.
BASE_CACHE = 8


class UnicodeText(spaces.Text):
    """A ``Text`` space whose members are any Unicode strings up to
    ``max_length`` characters: file contents and names are not limited to a
    charset. Samples are drawn from ``charset`` (printable ASCII)."""

    def contains(self, x: Any) -> bool:
        return isinstance(x, str) and self.min_length <= len(x) <= self.max_length


class SimdeskEnv(gymnasium.Env):
    """One agent working through a simulated month in a generated computer.

    Args:
        template: the occupation (see ``simdesk.templates()``); ``reset``'s
            ``options={"template": ...}`` chooses another.
        index: which computer of the dataset ``seed`` (``options["index"]``).
        faults: planted inconsistencies (``options["faults"]``).
        seed: the dataset seed used when ``reset`` is given none.
        max_steps: the step budget; ``truncated`` when it is spent.
        reward: ``"sparse"`` (the score's reward once, when the episode
            ends) or ``"objectives"`` (after each step, the change in the
            share of objectives met).
        responder: a callable writing collaborators' message text (see
            ``simdesk.Session``); what it writes is recorded.
        make_session: builds the base session of (template, seed, index,
            faults); default ``simdesk.Session.generate``.
        render_mode: ``"ansi"`` returns the last observation from
            ``render()``.
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 1}

    def __init__(
        self,
        template: str = "financial-advisor",
        index: int = 0,
        faults: int = 0,
        *,
        seed: int = 0,
        max_steps: int = 200,
        reward: str = "sparse",
        responder: Optional[Callable[[dict], Optional[str]]] = None,
        make_session: Optional[Callable[[str, int, int, int], "simdesk.Session"]] = None,
        render_mode: Optional[str] = None,
    ) -> None:
        if reward not in ("sparse", "objectives"):
            raise ValueError(f'reward must be "sparse" or "objectives", not {reward!r}')
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"unsupported render_mode {render_mode!r}")
        if max_steps < 1:
            raise ValueError(f"max_steps must be at least 1, not {max_steps}")
        self.template = template
        self.index = index
        self.faults = faults
        self.default_seed = seed
        self.max_steps = max_steps
        self.reward_mode = reward
        self.responder = responder
        self.render_mode = render_mode
        self._make_session = make_session or simdesk.Session.generate
        self.observation_space = UnicodeText(MAX_OBSERVATION_CHARS, min_length=0)
        self.action_space = UnicodeText(MAX_ACTION_CHARS, min_length=0, charset=string.printable)
        self.tools = simdesk.tools()
        self._bases: OrderedDict = OrderedDict()
        self._session: Optional[simdesk.Session] = None
        self._steps = 0
        self._progress = 0.0
        self._last = ""

    @property
    def session(self) -> "simdesk.Session":
        """The current episode's session (``reset`` first)."""
        if self._session is None:
            raise gymnasium.error.ResetNeeded("call reset() before using the session")
        return self._session

    def _base(self, key: tuple) -> "simdesk.Session":
        base = self._bases.get(key)
        if base is None:
            base = self._make_session(*key)
            # Rendered once here, every reset's first read is a lookup.
            base.render_views()
            self._bases[key] = base
            while len(self._bases) > BASE_CACHE:
                self._bases.popitem(last=False)
        else:
            self._bases.move_to_end(key)
        return base

    def reset(self, *, seed: Optional[int] = None, options: Optional[dict] = None):
        super().reset(seed=seed)
        options = options or {}
        key = (
            options.get("template", self.template),
            self.default_seed if seed is None else seed,
            options.get("index", self.index),
            options.get("faults", self.faults),
        )
        self._session = self._base(key).fork()
        if self.responder is not None:
            self._session.set_responder(self.responder)
        self._steps = 0
        self._progress = self._objective_progress() if self.reward_mode == "objectives" else 0.0
        self._last = self._session.brief
        return self._last, self._info(None)

    def step(self, action):
        session = self.session
        call = self._parse(action)
        if isinstance(call, str):
            result = {"text": call, "is_error": True, "error": "bad_action", "arrived": []}
            done = session.done
        else:
            result = session.invoke(call[0], call[1])
            done = result["done"]
        self._steps += 1
        terminated = done
        truncated = not terminated and self._steps >= self.max_steps
        if self.reward_mode == "objectives":
            progress = self._objective_progress()
            reward, self._progress = progress - self._progress, progress
        elif terminated or truncated:
            reward = float(session.score()["reward"])
        else:
            reward = 0.0
        self._last = result["text"]
        return self._last, float(reward), terminated, truncated, self._info(result)

    def render(self):
        if self.render_mode == "ansi":
            return self._last
        return None

    def _objective_progress(self) -> float:
        objectives = self.session.score()["objectives"]
        if not objectives:
            return 0.0
        return sum(float(o["score"]) for o in objectives) / len(objectives)

    def _info(self, result: Optional[dict]) -> dict:
        session = self.session
        info = {"time": session.now, "steps": self._steps}
        if result is not None:
            info["is_error"] = result["is_error"]
            info["error"] = result.get("error")
            info["arrived"] = result.get("arrived", [])
        return info

    @staticmethod
    def _parse(action):
        """``(name, arguments)`` from an action, or the text telling the
        agent why it is not a tool call."""
        if isinstance(action, str):
            if len(action) > MAX_ACTION_CHARS:
                return f"error: the action is {len(action)} characters, over the limit of {MAX_ACTION_CHARS}"
            try:
                action = json.loads(action)
            except ValueError as e:
                return (
                    f"error: the action is not JSON: {e}\n"
                    'hint: send {"name": "<tool>", "arguments": {...}}'
                )
        if not isinstance(action, dict) or not isinstance(action.get("name"), str):
            return 'error: the action is not a tool call\nhint: send {"name": "<tool>", "arguments": {...}}'
        args = action.get("arguments", {})
        if isinstance(args, str):  # OpenAI-style: the arguments as JSON text
            try:
                args = json.loads(args)
            except ValueError as e:
                return f"error: the arguments are not JSON: {e}"
        return action["name"], args


#: The registered id: ``gymnasium.make(ENV_ID, template=..., max_steps=...)``.
ENV_ID = "simdesk/Simdesk-v0"
if ENV_ID not in gymnasium.registry:
    gymnasium.register(id=ENV_ID, entry_point="simdesk.gym:SimdeskEnv")
