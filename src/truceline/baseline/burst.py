"""The burst statistic's context: how busy a neighbourhood was in the days before.

Peacetime fire is self-exciting: fields burn in campaigns, so a day with many
fire sites in a neighbourhood is ordinary when the week before was busy and
rare when it was quiet. On the 2012-2020 leave-one-year-out null, the 98 %
quantile of fire sites in the 3 x 3 cells is 8-17 after a quiet week and
28-78 after a busy one at the same expectation. The burst null is therefore
stratified by the *recent activity ratio* of the detection's neighbourhood::

    ratio = (active cell-days in the 3 x 3 cells over the previous days + pseudo)
            / (their expectation, times the activity scale, + pseudo)

(the detection's own day excluded). A violation after a ceasefire is a burst
in a neighbourhood that has gone quiet: exactly the stratum where peacetime
bursts are rarest (ADR 0026).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from truceline.baseline.params import BaselineParams
from truceline.baseline.statistic import CellDays, NeighbourhoodCubes

__all__ = ["quiet_ratio", "stratify"]

Sample = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]


def quiet_ratio(
    cubes: NeighbourhoodCubes,
    query: CellDays,
    scale: NDArray[np.float64],
    params: BaselineParams,
    first: NDArray[np.int64] | None = None,
) -> NDArray[np.float64]:
    """Recent activity ratio of each query cell-day (``cubes``: the persistent statistic's,
    active cell-days; ``scale``: the activity scale of each day of the span; ``first``:
    the earliest day each query may look back to, e.g. an agreement's start, ADR 0028).

    Fewer days before (the start of the data or of an agreement) give a ratio nearer 1:
    with no day before it is exactly 1, the middle of the null's strata."""
    days = params.burst_quiet_days
    with_today = cubes.at(query, before=days, after=0, first=first)
    today = cubes.at(query, before=0, after=0)
    observed = (with_today.observed - today.observed).astype(float)
    expected = (with_today.expected - today.expected) * scale[query.day]
    pseudo = params.burst_quiet_pseudo
    result: NDArray[np.float64] = (observed + pseudo) / (np.maximum(expected, 0.0) + pseudo)
    return result


def _weighted_quantiles(values: NDArray, weights: NDArray, levels: NDArray) -> NDArray:
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    index = np.searchsorted(cum / cum[-1], levels, side="left")
    result: NDArray[np.float64] = values[order][np.minimum(index, len(values) - 1)]
    return result


def stratify(
    expected: NDArray[np.float64],
    observed: NDArray[np.float64],
    weight: NDArray[np.float64],
    ratio: NDArray[np.float64],
    n_strata: int,
) -> dict[float, Sample]:
    """Cut samples into ``n_strata`` classes of equal weight by ratio; each class is keyed
    by its weighted median ratio (ties merge classes, so there may be fewer)."""
    if len(ratio) == 0:
        return {}
    inner = np.linspace(0.0, 1.0, n_strata + 1)[1:-1]
    edges = np.unique(_weighted_quantiles(ratio, weight, inner))
    which = np.searchsorted(edges, ratio, side="right")
    out: dict[float, Sample] = {}
    for k in np.unique(which):
        sel = which == k
        centre = float(_weighted_quantiles(ratio[sel], weight[sel], np.array([0.5]))[0])
        if centre in out:  # two classes share a median: merge them
            e, o, w = out[centre]
            out[centre] = (
                np.concatenate([e, expected[sel]]),
                np.concatenate([o, observed[sel]]),
                np.concatenate([w, weight[sel]]),
            )
        else:
            out[centre] = (expected[sel], observed[sel], weight[sel])
    return out
