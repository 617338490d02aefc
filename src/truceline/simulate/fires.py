"""Fires on the ground: the simulator's truth, before any satellite looks.

A fire is a point that burns from ``t_on`` to ``t_off`` (Unix seconds) with a
mean fire radiative power. Background, industrial and war fires share this
structure; ``kind`` says which, ``event`` points to the injected event (or -1).
Satellites then turn fires into detections (:mod:`truceline.simulate.observe`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["KINDS", "WAR_KINDS", "Fires"]

#: Fire kinds, indexed by :attr:`Fires.kind`.
KINDS: tuple[str, ...] = ("background", "industrial", "artillery", "strike", "depot")

#: The kinds that are war-related.
WAR_KINDS: frozenset[str] = frozenset({"artillery", "strike", "depot"})


@dataclass(frozen=True)
class Fires:
    """Columns of fires (all arrays the same length)."""

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    t_on: NDArray[np.float64]
    t_off: NDArray[np.float64]
    frp: NDArray[np.float64]  # mean fire radiative power, MW
    kind: NDArray[np.int8]  # index into KINDS
    event: NDArray[np.int64]  # index of the injected event, -1 for none

    def __len__(self) -> int:
        return len(self.lon)

    @classmethod
    def empty(cls) -> Fires:
        """No fires."""
        return cls.concat([])

    @classmethod
    def build(
        cls,
        lon: NDArray[np.float64],
        lat: NDArray[np.float64],
        t_on: NDArray[np.float64],
        t_off: NDArray[np.float64],
        frp: NDArray[np.float64],
        kind: str,
        event: int = -1,
    ) -> Fires:
        """Fires of one kind (and one event, if any)."""
        n = len(lon)
        return cls(
            np.asarray(lon, float),
            np.asarray(lat, float),
            np.asarray(t_on, float),
            np.asarray(t_off, float),
            np.asarray(frp, float),
            np.full(n, KINDS.index(kind), np.int8),
            np.full(n, event, np.int64),
        )

    @classmethod
    def concat(cls, parts: Sequence[Fires]) -> Fires:
        """All fires of ``parts``, in order."""

        def cat(name: str, dtype: type) -> NDArray[Any]:
            arrays = [getattr(p, name) for p in parts]
            return np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype)

        return cls(
            cat("lon", np.float64),
            cat("lat", np.float64),
            cat("t_on", np.float64),
            cat("t_off", np.float64),
            cat("frp", np.float64),
            cat("kind", np.int8),
            cat("event", np.int64),
        )

    def take(self, index: NDArray[np.int64] | NDArray[np.bool_]) -> Fires:
        """The fires at ``index`` (positions or a mask)."""
        return Fires(
            self.lon[index],
            self.lat[index],
            self.t_on[index],
            self.t_off[index],
            self.frp[index],
            self.kind[index],
            self.event[index],
        )

    def burning_during(self, start: float, end: float) -> Fires:
        """The fires burning at some moment of [start, end)."""
        return self.take((self.t_on < end) & (self.t_off > start))
