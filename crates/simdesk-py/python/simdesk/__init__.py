"""simdesk: synthetic computers for long-horizon agents, from Python.

A thin layer over the Rust crates (the native module ``simdesk._simdesk``):
worlds are generated, loaded, changed, checked and scored by the same code the
``simdesk`` command line runs; nothing is decided in Python.

>>> import simdesk
>>> world = simdesk.generate("financial-advisor", seed=0)
>>> fork = world.fork()          # O(1): shares the Rust world until it changes
>>> print(world.read("/")[:0])   # doctest: +SKIP
"""

from simdesk._simdesk import (
    tools,
    Session,
    ResponderError,
    ReplayError,
    ScenarioError,
    MAX_RANGE_CELLS,
    InvalidInput,
    OpRefused,
    PathError,
    SimdeskError,
    SnapshotError,
    StoreError,
    TemplateError,
    World,
    __version__,
    generate,
    load,
    loads,
    templates,
)

__all__ = [
    "tools",
    "Session",
    "ResponderError",
    "ReplayError",
    "ScenarioError",
    "MAX_RANGE_CELLS",
    "InvalidInput",
    "OpRefused",
    "PathError",
    "SimdeskError",
    "SnapshotError",
    "StoreError",
    "TemplateError",
    "World",
    "__version__",
    "generate",
    "load",
    "loads",
    "templates",
]
