"""From null tail probability and prior to a war-related probability.

Two hypotheses for a detection's neighbourhood: peacetime activity (the null,
under which the tail probability ``p`` is uniform) and war activity on top of
it (under which ``p`` follows a Beta(a, 1) density, piling up near 0). The
Bayes factor for war is ``a * p ** (a - 1)`` and the posterior probability is::

    logit(war_probability) = logit(prior) + log(a) + (a - 1) * log(p)

It rises with the excess (lower ``p``) and with the prior, never leaves
[0, 1], and an unremarkable detection (``p`` near 1) ends *below* its prior,
because ordinary activity is evidence for peace.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, logit

from truceline.detect.params import DetectParams

__all__ = ["ceasefire_prior", "log_bayes_factor", "prior_from_distance", "war_probability"]

_TINY = 1e-300


def log_bayes_factor(tail: ArrayLike, shape: float) -> NDArray[np.float64]:
    """Natural log of the Bayes factor for war given the null tail probability."""
    p = np.clip(np.asarray(tail, dtype=float), _TINY, 1.0)
    result: NDArray[np.float64] = np.log(shape) + (shape - 1.0) * np.log(p)
    return result


def prior_from_distance(distance_km: ArrayLike, params: DetectParams) -> NDArray[np.float64]:
    """Prior by distance to the line of contact; unknown distance (NaN) gets ``far_prior``."""
    d = np.asarray(distance_km, dtype=float)
    bump = np.exp(-0.5 * (np.nan_to_num(d, nan=np.inf) / params.prior_scale_km) ** 2)
    result: NDArray[np.float64] = params.far_prior + (params.line_prior - params.far_prior) * bump
    return result


def war_probability(tail: ArrayLike, prior: ArrayLike, shape: float) -> NDArray[np.float64]:
    """Posterior probability of war activity given tail probability and prior."""
    prior_arr = np.clip(np.asarray(prior, dtype=float), 1e-12, 1 - 1e-12)
    result: NDArray[np.float64] = expit(logit(prior_arr) + log_bayes_factor(tail, shape))
    return result


def ceasefire_prior(prior: ArrayLike, odds_ratio: float) -> NDArray[np.float64]:
    """The prior after an agreement's start: the prior odds times ``odds_ratio`` (ADR 0028).

    War fires fall to the violation rate while field, forest and industrial fires go
    on, so a fire after the start is less likely to be war than the same fire before.
    """
    p = np.clip(np.asarray(prior, dtype=float), 1e-12, 1 - 1e-12)
    result: NDArray[np.float64] = expit(logit(p) + np.log(odds_ratio))
    return result
