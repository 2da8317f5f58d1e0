r"""simdesk: synthetic computers for long-horizon agents, from Python.

A thin layer over the Rust crates (the native module ``simdesk._simdesk``):
worlds are generated, loaded, changed, checked and scored by the same code the
``simdesk`` command line runs; nothing is decided in Python.

>>> import simdesk
>>> world = simdesk.generate("financial-advisor", seed=0)
>>> fork = world.fork()          # O(1): shares the Rust world until it changes
>>> [e["path"] for e in world.ls("/")]
['/C']
>>> session = simdesk.Session.generate("financial-advisor", seed=0)
>>> session.call("list_files", {"path": "/"})
'/ (1 entries)\n/C/\n'
"""

from simdesk._simdesk import (
    InvalidInput,
    MAX_RANGE_CELLS,
    OpRefused,
    PathError,
    ReplayError,
    ResponderError,
    ScenarioError,
    Session,
    SimdeskError,
    SnapshotError,
    StoreError,
    TemplateError,
    World,
    __version__,
    generate,
    generate_dataset,
    load,
    loads,
    templates,
    tools,
)

__all__ = [
    "InvalidInput",
    "MAX_RANGE_CELLS",
    "OpRefused",
    "PathError",
    "ReplayError",
    "ResponderError",
    "ScenarioError",
    "Session",
    "SimdeskError",
    "SnapshotError",
    "StoreError",
    "TemplateError",
    "World",
    "__version__",
    "generate",
    "generate_dataset",
    "load",
    "loads",
    "templates",
    "tools",
]
