"""Check and plan a partitioned dataset on a ``dask.distributed`` cluster (the extra ``dask``).

``planner check DATASET --scheduler local|local:N|tcp://ADDRESS --output OUT_DIR`` reads and
checks each household file of the dataset (each Parquet part of a ``households/`` folder) in one
task with the ``--workers`` seam (:class:`planner.parallel.PartChecker`), puts the parts together
in the client in reading order (:class:`planner.parallel.Combiner`: duplicate ids and people
across parts, dataset rules, waivers) and writes the results per part
(:mod:`planner.distributed.check`); ``planner plan`` plans each part in one task and allocates the
district budget in the client (:mod:`planner.distributed.plan`). dask is imported only when a
cluster is started (:mod:`planner.distributed.cluster`).
"""

from planner.distributed.cluster import ClusterError, connect, require_dask
from planner.distributed.recipe import RecipeError, digests, verify

__all__ = ["ClusterError", "RecipeError", "connect", "digests", "require_dask", "verify"]
