"""The version of planner, in a module of its own so that outputs need not import the package."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
