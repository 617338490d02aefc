"""Detection scoring: each detection's excess over the peacetime baseline as a probability.

:func:`score_detections` adds to every detection the observed and expected
counts of its cell-day, an excess score (-log10 of the calibrated null tail
probability of the stronger of two statistics: its neighbourhood's activity
over 31 days, and the fire sites in its cell on its day), a war-related
probability (prior odds, optionally from the agreement's geometry, times a
Bayes factor) and the boolean ``war_related``. After an agreement's start a
detection is judged on the activity since the start, against a ceasefire's lower
prior (:mod:`truceline.detect.ceasefire`, ADR 0028). Method and measured
figures: docs/detection.md.
"""

from __future__ import annotations

from truceline.detect.ceasefire import after_start, start_day
from truceline.detect.files import (
    OUTPUT_COLUMNS,
    ScoredFiles,
    format_scores,
    score_files,
    score_reads,
)
from truceline.detect.params import DetectParams
from truceline.detect.probability import (
    ceasefire_prior,
    log_bayes_factor,
    prior_from_distance,
    war_probability,
)
from truceline.detect.score import (
    DIAGNOSTIC_COLUMNS,
    SCORE_COLUMNS,
    score_detections,
    sensor_scale,
)

__all__ = [
    "DIAGNOSTIC_COLUMNS",
    "OUTPUT_COLUMNS",
    "SCORE_COLUMNS",
    "DetectParams",
    "ScoredFiles",
    "after_start",
    "ceasefire_prior",
    "format_scores",
    "log_bayes_factor",
    "prior_from_distance",
    "score_detections",
    "score_files",
    "score_reads",
    "sensor_scale",
    "start_day",
    "war_probability",
]
