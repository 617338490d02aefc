"""How often is truceline right? Precision, recall, F1 and delays against known truth.

Against a simulation's truth folder (:func:`evaluate_truth`): detection-level
metrics of ``war_related``, by fire kind, month and distance to the line; and,
given incidents, event recall (observed and not observed apart), incident
precision and time to first incident. Against any labelled table
(:func:`evaluate_labelled`): the detection-level metrics by month and distance.
"""

from __future__ import annotations

from truceline.evaluate.evaluation import (
    EvaluateParams,
    Evaluation,
    evaluate_labelled,
    evaluate_truth,
)
from truceline.evaluate.inputs import Truth, read_incidents, read_truth
from truceline.evaluate.metrics import Confusion

__all__ = [
    "Confusion",
    "EvaluateParams",
    "Evaluation",
    "Truth",
    "evaluate_labelled",
    "evaluate_truth",
    "read_incidents",
    "read_truth",
]
