"""Confusion counts and ratios: hand-made cases, zero divisions, and invariants."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from truceline.evaluate.metrics import (
    Confusion,
    band_labels,
    confusion_by,
    delay_summary,
    distance_band,
)


def test_known_counts_and_ratios() -> None:
    c = Confusion.of([1, 1, 1, 0, 0, 0, 0], [1, 1, 0, 1, 0, 0, 0])
    assert (c.tp, c.fp, c.fn, c.tn, c.n) == (2, 1, 1, 3, 7)
    assert c.precision == pytest.approx(2 / 3)
    assert c.recall == pytest.approx(2 / 3)
    assert c.f1 == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("predicted", "actual", "precision", "recall", "f1"),
    [
        ([0, 0, 0], [0, 0, 0], None, None, None),  # no positives at all
        ([1, 1, 0], [0, 0, 0], 0.0, None, 0.0),  # no actual positives
        ([0, 0, 0], [1, 0, 0], None, 0.0, 0.0),  # nothing flagged
        ([], [], None, None, None),  # no rows
        ([1, 1], [1, 1], 1.0, 1.0, 1.0),
    ],
)
def test_zero_divisions_are_none(
    predicted: list[int],
    actual: list[int],
    precision: float | None,
    recall: float | None,
    f1: float | None,
) -> None:
    c = Confusion.of(predicted, actual)
    assert c.precision == precision and c.recall == recall and c.f1 == f1
    assert c.to_dict()["precision"] == precision


pairs = st.lists(st.tuples(st.booleans(), st.booleans()), max_size=60)


@given(pairs, st.randoms(use_true_random=False))
@example([(True, False)], None)
def test_metrics_do_not_depend_on_row_order_and_stay_in_unit_interval(
    rows: list[tuple[bool, bool]], rnd: random.Random | None
) -> None:
    predicted = [p for p, _ in rows]
    actual = [a for _, a in rows]
    before = Confusion.of(predicted, actual)
    shuffled = list(rows)
    if rnd is not None:
        rnd.shuffle(shuffled)
    after = Confusion.of([p for p, _ in shuffled], [a for _, a in shuffled])
    assert before == after
    for value in (before.precision, before.recall, before.f1):
        assert value is None or 0.0 <= value <= 1.0
    if (
        before.precision is not None
        and before.recall is not None
        and before.precision + before.recall
    ):
        harmonic = 2 * before.precision * before.recall / (before.precision + before.recall)
        assert before.f1 == pytest.approx(harmonic)


def test_confusion_by_group_in_given_order() -> None:
    groups = pd.Series(["b", "a", "b", "a"])
    rows = confusion_by(groups, [1, 0, 0, 1], [1, 1, 0, 0], "g", order=["b", "a", "z"])
    assert [r["g"] for r in rows] == ["b", "a"]
    assert rows[0]["tp"] == 1 and rows[0]["tn"] == 1 and rows[1]["fn"] == 1 and rows[1]["fp"] == 1
    assert [r["g"] for r in confusion_by(groups, [0] * 4, [0] * 4, "g")] == ["a", "b"]


def test_distance_bands() -> None:
    bands = distance_band([0.0, -4.9, 5.0, 150.0, np.nan], (5, 20, 50, 100))
    assert bands.tolist() == ["0-5 km", "0-5 km", "5-20 km", ">100 km", "unknown"]
    assert band_labels((5, 20)) == ["0-5 km", "5-20 km", ">20 km", "unknown"]


def test_delay_summary() -> None:
    assert delay_summary([]) == {"median_hours": None, "p90_hours": None}
    summary = delay_summary([1.0, 2.0, 3.0, np.nan, 10.0])
    assert summary["median_hours"] == pytest.approx(2.5)
    assert summary["p90_hours"] == pytest.approx(7.9)
