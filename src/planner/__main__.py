"""``python -m planner``: the ``planner`` command line (:func:`planner.cli.main`)."""

from __future__ import annotations

from planner.cli import main

if __name__ == "__main__":
    main()
