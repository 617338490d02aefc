"""How likely an incident is to be a ceasefire violation, in numbers and in ICD-203 words.

The model is a small, explainable logistic score. It starts from the member
detections' war-related probabilities (from :func:`truceline.detect.score_detections`)
and adds evidence in log-odds: corroboration by several passes and satellites,
persistence over days, and where the incident lies against the agreement
(inside the demilitarised buffer zone, distance to the line of contact). A lone detection is
penalised. Every weight is a documented field of :class:`LikelihoodParams`.

The words follow US Intelligence Community Directive 203 ("Analytic
Standards"), with boundaries that are mirror images around 0.5 (see
:data:`ICD203_BANDS` and ``docs/incidents.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "ICD203_BANDS",
    "ICD203_WORDS",
    "NOT_APPLICABLE",
    "LikelihoodParams",
    "icd203",
    "icd203_words",
    "member_logit",
    "violation_probability",
]

#: Words for probabilities, from least to most likely.
ICD203_WORDS: tuple[str, ...] = (
    "almost no chance",
    "very unlikely",
    "unlikely",
    "roughly even chance",
    "likely",
    "very likely",
    "almost certain",
)

#: The likelihood word of an incident for which "violation" does not apply
#: (it ended before the agreement's start, or there is no agreement).
NOT_APPLICABLE = "not applicable"

#: (word, lower bound, lower inclusive, upper bound, upper inclusive). Below 0.5
#: a band holds its lower edge, above 0.5 its upper edge, and "roughly even
#: chance" holds both of its edges, so word(p) and word(1 - p) are mirror words.
ICD203_BANDS: tuple[tuple[str, float, bool, float, bool], ...] = (
    ("almost no chance", 0.0, True, 0.05, False),
    ("very unlikely", 0.05, True, 0.20, False),
    ("unlikely", 0.20, True, 0.45, False),
    ("roughly even chance", 0.45, True, 0.55, True),
    ("likely", 0.55, False, 0.80, True),
    ("very likely", 0.80, False, 0.95, True),
    ("almost certain", 0.95, False, 1.0, True),
)


def icd203(probability: float) -> str:
    """The ICD-203 word for one probability in [0, 1] (NaN gives :data:`NOT_APPLICABLE`)."""
    return str(icd203_words(np.asarray([probability], dtype=float))[0])


def icd203_words(probability: ArrayLike) -> NDArray[np.object_]:
    """ICD-203 words for an array of probabilities; NaN gives :data:`NOT_APPLICABLE`.

    Raises ``ValueError`` for a probability outside [0, 1].
    """
    p = np.asarray(probability, dtype=float)
    bad = ~np.isnan(p) & ((p < 0.0) | (p > 1.0))
    if bad.any():
        raise ValueError(f"probability outside [0, 1]: {p[bad][0]!r}")
    out = np.full(p.shape, NOT_APPLICABLE, dtype=object)
    for word, lo, lo_in, hi, hi_in in ICD203_BANDS:
        above = p >= lo if lo_in else p > lo
        below = p <= hi if hi_in else p < hi
        out[above & below] = word
    return out


@dataclass(frozen=True)
class LikelihoodParams:
    """Weights of the violation likelihood model (log-odds units unless named otherwise)."""

    p_floor: float = 0.01
    """Member war probabilities are clipped to [p_floor, 1 - p_floor] before taking
    log-odds, so one detection scored 0 or 1 cannot make the result certain."""

    w_passes: float = 0.6
    """Added per doubling of distinct satellite passes that saw the incident: separate
    passes are independent looks, the strongest corroboration FIRMS offers."""

    w_satellites: float = 0.5
    """Added per satellite beyond the first: a second sensor rules out a one-sensor
    artefact (glint, bad geolocation)."""

    w_detections: float = 0.15
    """Added per doubling of member detections: neighbouring pixels of one pass are
    strongly correlated, so counts weigh far less than passes."""

    w_days: float = 0.3
    """Added per extra distinct day, up to ``max_days``: persistent burning at one
    place is more typical of shelling than of a one-off field burn."""

    max_days: int = 3
    """Days of persistence beyond which no more evidence accrues (a week-long
    fire is not surer than a four-day one)."""

    singleton_penalty: float = 0.7
    """Subtracted from a single-detection incident: one pixel is the weakest evidence
    and the likeliest false alarm."""

    w_buffer: float = 0.6
    """Added when the incident lies in a demilitarised zone (``buffer_zones``): any
    military activity there is what the agreement forbids outright."""

    buffer_zones: tuple[str, ...] = ("buffer",)
    """Zone names (``Agreement.zones``) that earn ``w_buffer``. The withdrawal zones
    (artillery, MLRS, long range) reach 50-150 km and are covered by the distance
    term instead."""

    near_km: float = 25.0
    """Distance to the line up to which location costs nothing; 25 km is the band The
    Economist used for 'near the front' and about the reach of tube artillery."""

    w_far_per_km: float = 0.04
    """Subtracted per km beyond ``near_km`` (1 logit per 25 km): fires far behind the
    line are more often agricultural, though long-range strikes exist."""

    max_far_penalty: float = 3.0
    """Cap on the distance penalty, so a confirmed deep strike can still score."""


def _logit(p: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(np.log(p) - np.log1p(-p), dtype=float)


def violation_probability(
    features: pd.DataFrame, params: LikelihoodParams = LikelihoodParams()
) -> NDArray[np.float64]:
    """Probability that each incident is a ceasefire violation.

    ``features`` has one row per incident with columns ``mean_logit`` (mean
    log-odds of the members' war probabilities, already clipped), ``n_detections``,
    ``n_passes``, ``n_satellites``, ``n_days``, ``in_zone`` (bool: in one of
    ``params.buffer_zones``) and
    ``distance_km`` (NaN when unknown: no location term). Returns floats in (0, 1).
    """
    score = features["mean_logit"].to_numpy(dtype=float).copy()
    n_det = features["n_detections"].to_numpy(dtype=float)
    n_pass = np.maximum(features["n_passes"].to_numpy(dtype=float), 1.0)
    n_sat = np.maximum(features["n_satellites"].to_numpy(dtype=float), 1.0)
    n_days = np.maximum(features["n_days"].to_numpy(dtype=float), 1.0)
    score += params.w_passes * np.log2(n_pass)
    score += params.w_satellites * (n_sat - 1.0)
    score += params.w_detections * np.log2(np.maximum(n_det, 1.0))
    score += params.w_days * np.minimum(n_days - 1.0, float(params.max_days))
    score -= params.singleton_penalty * (n_det <= 1)
    score += params.w_buffer * features["in_zone"].to_numpy(dtype=bool)
    dist = np.abs(features["distance_km"].to_numpy(dtype=float))
    far = np.clip((dist - params.near_km) * params.w_far_per_km, 0.0, params.max_far_penalty)
    score -= np.where(np.isnan(far), 0.0, far)
    return np.asarray(1.0 / (1.0 + np.exp(-score)), dtype=float)


def member_logit(
    probabilities: ArrayLike, params: LikelihoodParams = LikelihoodParams()
) -> NDArray[np.float64]:
    """Log-odds of each member's war probability, clipped (NaN counts as 0.5: no evidence)."""
    p = np.asarray(probabilities, dtype=float)
    p = np.where(np.isnan(p), 0.5, p)
    return _logit(np.clip(p, params.p_floor, 1.0 - params.p_floor))
