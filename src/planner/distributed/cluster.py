"""The ``--scheduler`` value: a local cluster started for the run, or a running one to join.

``local`` starts a :class:`distributed.LocalCluster` of one single-threaded worker process per
core, ``local:N`` one of ``N``; anything else (``tcp://host:8786``, ``tls://…``) is the address of
a running scheduler. dask is imported here only, when a distributed run starts, so the core
imports and works without the ``dask`` extra.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from planner.errors import BilingualError
from planner.extras import MissingExtra, pip_hint, require

PIP_HINT = pip_hint("dask")


class ClusterError(BilingualError):
    """dask is missing, the scheduler value is malformed or the scheduler cannot be reached."""


def require_dask() -> None:
    """Raise :class:`ClusterError` with the pip hint when ``dask.distributed`` is not installed."""
    try:
        require("dask")
    except MissingExtra as exc:
        raise ClusterError(
            f"--scheduler 需要 dask.distributed，但未安装；请运行 {PIP_HINT}",
            f"--scheduler needs dask.distributed, which is not installed; run {PIP_HINT}",
        ) from exc


def local_workers(scheduler: str) -> int | None:
    """The number of workers of ``local`` / ``local:N`` (``None``: an address to connect to)."""
    if scheduler != "local" and not scheduler.startswith("local:"):
        return None
    count = scheduler.partition(":")[2]
    if not count:
        return os.cpu_count() or 1
    if not count.isdigit() or int(count) < 1:
        raise ClusterError(f"--scheduler {scheduler}：local: 后须为正整数（工作进程数）",
                           f"--scheduler {scheduler}: local: takes a positive number of workers")
    return int(count)


@contextlib.contextmanager
def connect(scheduler: str) -> Iterator[Any]:
    """A ``distributed.Client`` for ``scheduler``; a local cluster is closed with it."""
    require_dask()
    from distributed import Client, LocalCluster

    workers = local_workers(scheduler)
    if workers is None and "://" not in scheduler:
        raise ClusterError(
            f"--scheduler {scheduler}：应为 local、local:N 或调度器地址（如 tcp://host:8786）",
            f"--scheduler {scheduler}: expected local, local:N or a scheduler address "
            "(e.g. tcp://host:8786)")
    with contextlib.ExitStack() as stack:
        if workers is not None:
            # One thread per worker process: the checker holds the GIL, threads would not help.
            cluster = stack.enter_context(LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True,
                dashboard_address=":0"))
            client = stack.enter_context(Client(cluster))
        else:
            try:
                client = stack.enter_context(Client(scheduler, timeout="20s"))
            except (OSError, TimeoutError) as exc:
                raise ClusterError(f"无法连接调度器 {scheduler}：{exc}",
                                   f"cannot reach the scheduler {scheduler}: {exc}") from exc
        yield client
