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
