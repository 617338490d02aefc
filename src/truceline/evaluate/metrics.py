"""Counting right and wrong: confusion counts, precision, recall, F1, and delays.

Undefined ratios are ``None``, never 0 or 1 by convention: precision with no
predicted positives, recall with no actual positives. F1 is
``2TP / (2TP + FP + FN)``, which is defined (and 0) as soon as there is any
positive, predicted or actual.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = [
    "Confusion",
    "band_labels",
    "confusion_by",
    "delay_summary",
    "distance_band",
    "ratio",
]


def ratio(num: int, den: int) -> float | None:
    """``num / den``, or None when ``den`` is 0."""
    return None if den == 0 else num / den


@dataclass(frozen=True)
class Confusion:
    """Confusion counts of a binary prediction against a binary label."""

    tp: int
    fp: int
    fn: int
    tn: int

    @classmethod
    def of(cls, predicted: ArrayLike, actual: ArrayLike) -> Confusion:
        """Count from two boolean arrays of equal length."""
        p = np.asarray(predicted, dtype=bool)
        a = np.asarray(actual, dtype=bool)
        return cls(
            int((p & a).sum()), int((p & ~a).sum()), int((~p & a).sum()), int((~p & ~a).sum())
        )

    @property
    def n(self) -> int:
        """Rows counted."""
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float | None:
        """TP / (TP + FP); None without predicted positives."""
        return ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        """TP / (TP + FN); None without actual positives."""
        return ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        """2TP / (2TP + FP + FN); None when there is no positive at all."""
        return ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def to_dict(self) -> dict[str, int | float | None]:
        """Counts and ratios as a JSON-friendly dict."""
        return {
            "n": self.n,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def confusion_by(
    groups: pd.Series,
    predicted: ArrayLike,
    actual: ArrayLike,
    name: str,
    order: Sequence[str] | None = None,
) -> list[dict[str, object]]:
    """One row of counts and ratios per group value, keyed ``name``.

    Groups come in ``order`` (those present), else sorted.
    """
    p = np.asarray(predicted, dtype=bool)
    a = np.asarray(actual, dtype=bool)
    keys = groups.astype(str).to_numpy()
    present = set(keys.tolist())
    ordered = [k for k in order if k in present] if order is not None else sorted(present)
    rows: list[dict[str, object]] = []
    for key in ordered:
        mine = keys == key
        rows.append({name: key, **Confusion.of(p[mine], a[mine]).to_dict()})
    return rows


def band_labels(edges: Sequence[float]) -> list[str]:
    """Band names for ``edges`` in order: ``0-5 km``, ..., ``>100 km``, ``unknown``."""
    bounds = [0.0, *sorted(edges)]
    inner = [f"{lo:g}-{hi:g} km" for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]
    return [*inner, f">{bounds[-1]:g} km", "unknown"]


def distance_band(distance_km: ArrayLike, edges: Sequence[float]) -> pd.Series:
    """Label each absolute distance with its band (see :func:`band_labels`); NaN is unknown."""
    d = np.abs(np.asarray(distance_km, dtype=float))
    bounds = [0.0, *sorted(edges)]
    names = band_labels(edges)
    labels = np.full(len(d), names[-1], dtype=object)
    for i, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        labels[(d >= lo) & (d < hi)] = names[i]
    labels[d >= bounds[-1]] = names[-2]
    return pd.Series(labels)


def delay_summary(hours: ArrayLike) -> dict[str, float | None]:
    """Median and 90th percentile of delays in hours (None when there are none)."""
    h = np.asarray(hours, dtype=float)
    h = h[np.isfinite(h)]
    if len(h) == 0:
        return {"median_hours": None, "p90_hours": None}
    return {
        "median_hours": float(np.median(h)),
        "p90_hours": float(np.percentile(h, 90)),
    }
