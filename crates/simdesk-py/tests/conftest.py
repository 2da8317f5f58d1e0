"""Shared fixtures: a small hand-built world whose every output is known, and
one generated computer per test module (generation is the slow part)."""

import pytest

import simdesk

BOOK = "/Models/p.xlsx"


def workbook_op(path=BOOK):
    """Creates a workbook whose Summary!B3 adds B1 and B2."""
    return {
        "op": "create",
        "path": path,
        "artifact": {
            "kind": "workbook",
            "sheets": [
                {
                    "name": "Summary",
                    "cells": {
                        "A1": {"value": {"text": "Total"}},
                        "B1": {"value": {"number": 2}},
                        "B2": {"value": {"number": 3}},
                        "B3": {"formula": "B1+B2"},
                    },
                }
            ],
        },
    }


def set_b1(value):
    return {
        "op": "set_cells",
        "path": BOOK,
        "sheet": "Summary",
        "cells": [{"cell": "B1", "value": {"number": value}}],
    }


@pytest.fixture
def small():
    """An empty world with one workbook."""
    world = simdesk.World(start="2026-01-05T09:00:00Z", persona={"name": "Mei Chen"})
    world.apply(workbook_op())
    return world


@pytest.fixture(scope="module")
def generated():
    """One generated computer; tests that change it work on a fork."""
    return simdesk.generate("financial-advisor", seed=0, index=0)


HOME = "/Users/ana"
RITA = "rita.ruiz@mail.example"

#: A month for Ana: Rita writes at 09:30 and answers questions about the fee
#: rate an hour after she is asked.
SCENARIO = """
agent = { name = "Ana Ruiz", address = "ana.ruiz@firm.example" }
home = "/Users/ana"
brief = "You are Ana Ruiz, an advisor. Read your mail."
end = "2026-01-31T17:00:00Z"

[[collaborators]]
key = "client"
name = "Rita Ruiz"
email = "rita.ruiz@mail.example"
role = "Client"
relation = "client"
style = "chatty"
latency_minutes = 60

[[collaborators.knows]]
id = "rate"
keywords = ["rate", "fee"]
min_keywords = 2
fact = "The rate we agreed is 0.75%."

[[schedule]]
at = "2026-01-05T09:30:00Z"
from = "client"
subject = "Hello"
body = "Ask me about the fee rate when you need it."
"""

ASK = {"to": [RITA], "subject": "Rate", "body": "What fee rate did we agree?"}


@pytest.fixture
def ana():
    """Ana's computer: mail folders and the fee workbook."""
    world = simdesk.World(
        start="2026-01-05T08:00:00Z",
        persona={"name": "Ana Ruiz", "email": "ana.ruiz@firm.example"},
    )
    for folder in ("Mail/Inbox", "Mail/Sent", "Downloads"):
        world.apply({"op": "mkdir", "path": f"{HOME}/{folder}"}, actor="generator")
    world.apply(workbook_op(f"{HOME}/fees.xlsx"), actor="generator")
    return world
