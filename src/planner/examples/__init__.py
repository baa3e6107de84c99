"""The named example households, shipped with the library: a rule pack's YAML cases start from
them (``base: pre_exit_2808``) without copying them (:func:`households_dir`, :func:`household`).

``pre_exit_2808`` (a pre-exit household at 2,808 yuan per head with no new income measure),
``one_room_unsafe_water`` (a family in the one usable room of a three-room house, unsafe water),
``edu_dropout``, ``med_uninsured``, ``dq_invalid_id``, ``no_labour``, ``sup_training_no_labour``
and ``mon_unstable_exited``: the supervision speech's cases, one problem each.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def households_dir() -> Path:
    """The folder holding the named example households (``<name>.json``)."""
    return Path(__file__).resolve().parent / "households"


def names() -> list[str]:
    """The names of the example households, sorted."""
    return sorted(path.stem for path in households_dir().glob("*.json"))


def household(name: str) -> dict[str, Any]:
    """The example household ``name`` as a dict (a fresh copy each call)."""
    path = households_dir() / f"{name}.json"
    if not path.is_file():
        raise KeyError(f"no example household {name!r} (known: {', '.join(names())})")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
