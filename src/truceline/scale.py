"""Score an archive month by month, in this process or on a Dask cluster.

The scoring statistic only looks back ``window_before_days`` (and ahead
``window_after_days``), so a long period splits into independent chunks: each
calendar month is read from the archive together with the days before it that
its windows reach, scored with :func:`truceline.detect.score_detections`
(``context=``), and the months are concatenated. Incidents are then clustered
once, on the driver, over all scored rows (clustering crosses month edges).

The chunk function :func:`score_chunk` is the same code whichever way it runs:
called in a loop here (``client=None``), or shipped to the workers of a
``dask.distributed`` cluster (``client.map``), which read their months from the
archive themselves. On a cluster the archive directory must be on storage every
worker sees (a shared file system) at the same path. On one machine the local
cluster gains little: scoring is numpy and DuckDB work that already runs at
native speed; the point is the path past one machine (ADR 0070).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from truceline.detect import DetectParams, score_detections
from truceline.errors import InputError
from truceline.incidents import IncidentParams, build_incidents
from truceline.schema import DETECTION_SCHEMA

if TYPE_CHECKING:
    import geopandas as gpd

    from truceline.agreement import Agreement
    from truceline.baseline import Baseline

__all__ = [
    "ScaleParams",
    "dask_client",
    "month_chunks",
    "score_archive",
    "score_chunk",
    "score_and_cluster",
]

_DEFAULT_DETECT = DetectParams()
_DEFAULT_INCIDENTS = IncidentParams()


@dataclass(frozen=True)
class ScaleParams:
    """How a period is cut into chunks."""

    months_per_chunk: int = 1
    """Calendar months per chunk. A month of Ukraine holds ~10-100 k detections (tens of
    MB scored): small for any worker, large enough that the fixed cost of a chunk (an
    archive query, the context read twice) stays a few per cent of its work."""

    def __post_init__(self) -> None:
        if self.months_per_chunk < 1:
            raise InputError(
                f"ScaleParams.months_per_chunk must be >= 1, got {self.months_per_chunk!r}"
            )


def _month_start(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_chunks(first: date, last: date, months: int = 1) -> list[tuple[date, date]]:
    """``first``..``last`` (inclusive) cut at calendar-month edges, ``months`` per chunk."""
    if last < first:
        raise InputError(f"period ends ({last}) before it starts ({first})")
    chunks = []
    start = first
    while start <= last:
        stop = min(_month_start(start.replace(day=1), months) - timedelta(days=1), last)
        chunks.append((start, stop))
        start = stop + timedelta(days=1)
    return chunks


def _read(
    root: str, first: date, last: date, bbox: tuple[float, ...] | None
) -> pd.DataFrame | None:
    """Visible detections of ``first``..``last`` (inclusive) as pandas, or None if none."""
    from truceline.store import Archive

    if last < first:
        return None
    table = Archive(root).query(start=first, end=last, bbox=bbox)
    if table.num_rows == 0:
        return None
    return table.drop_columns(["geometry"]).to_pandas()


def score_chunk(
    root: str | PathLike[str],
    first: date,
    last: date,
    baseline: Baseline,
    agreement: Agreement | None = None,
    params: DetectParams = _DEFAULT_DETECT,
) -> pd.DataFrame:
    """Score the archive's detections of ``first``..``last`` (one chunk).

    Reads them and the days their neighbourhood windows reach before and after
    (the baseline's ``window_before_days`` / ``window_after_days``) as context,
    inside the agreement's boundary box when an agreement is given.
    """
    bbox = tuple(agreement.boundary.bounds) if agreement is not None else None
    window = baseline.params
    detections = _read(str(root), first, last, bbox)
    if detections is None:
        empty = DETECTION_SCHEMA.empty_table().to_pandas()
        return score_detections(empty, baseline, agreement, params)
    before = _read(str(root), first - timedelta(days=window.window_before_days),
                   first - timedelta(days=1), bbox)  # fmt: skip
    after = _read(str(root), last + timedelta(days=1),
                  last + timedelta(days=window.window_after_days), bbox)  # fmt: skip
    parts = [p for p in (before, after) if p is not None]
    context = pd.concat(parts, ignore_index=True) if parts else None
    return score_detections(detections, baseline, agreement, params, context=context)


def score_archive(
    archive: str | PathLike[str] | Any,
    first: date,
    last: date,
    baseline: Baseline,
    agreement: Agreement | None = None,
    *,
    params: DetectParams = _DEFAULT_DETECT,
    scale: ScaleParams = ScaleParams(),
    client: Any = None,
) -> pd.DataFrame:
    """Scored detections of ``first``..``last`` from an archive, chunk by chunk.

    ``archive``: an :class:`~truceline.store.Archive` or its directory. ``client``:
    a ``dask.distributed.Client`` to run the chunks on its workers (baseline and
    agreement are sent to every worker once); None runs them here, in order.
    Rows come in archive order (date, time, id), as one query of the whole period.
    """
    root = str(Path(getattr(archive, "root", archive)).resolve())
    chunks = month_chunks(first, last, scale.months_per_chunk)
    if client is None:
        parts = [score_chunk(root, a, b, baseline, agreement, params) for a, b in chunks]
    else:
        shared = client.scatter([baseline, agreement, params], broadcast=True)
        futures = [client.submit(score_chunk, root, a, b, *shared, pure=False) for a, b in chunks]
        parts = client.gather(futures)
    filled = [p for p in parts if len(p)]
    return pd.concat(filled, ignore_index=True) if filled else parts[0]


def score_and_cluster(
    archive: str | PathLike[str] | Any,
    first: date,
    last: date,
    baseline: Baseline,
    agreement: Agreement | None = None,
    *,
    params: DetectParams = _DEFAULT_DETECT,
    incidents: IncidentParams = _DEFAULT_INCIDENTS,
    scale: ScaleParams = ScaleParams(),
    client: Any = None,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """:func:`score_archive`, then incidents over all scored rows (on the driver)."""
    scored = score_archive(
        archive, first, last, baseline, agreement, params=params, scale=scale, client=client
    )
    return scored, build_incidents(scored, agreement, incidents)


@contextmanager
def dask_client(address: str) -> Iterator[Any]:
    """A ``dask.distributed`` client: ``"local"`` starts a LocalCluster (one single-threaded
    worker process per core) for the duration; anything else is a scheduler address
    (``tcp://host:8786``) of a running cluster."""
    from distributed import Client, LocalCluster

    if address == "local":
        workers = os.cpu_count() or 1
        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
    else:
        with Client(address) as client:
            yield client
