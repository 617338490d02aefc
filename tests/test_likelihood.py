"""ICD-203 words at every band edge, and the direction of each evidence term of the model."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from truceline.likelihood import (
    ICD203_BANDS,
    ICD203_WORDS,
    NOT_APPLICABLE,
    LikelihoodParams,
    icd203,
    icd203_words,
    member_logit,
    violation_probability,
)

UP = math.nextafter


@pytest.mark.parametrize(
    ("p", "word"),
    [
        (0.0, "almost no chance"),
        (UP(0.05, 0.0), "almost no chance"),
        (0.05, "very unlikely"),
        (UP(0.20, 0.0), "very unlikely"),
        (0.20, "unlikely"),
        (UP(0.45, 0.0), "unlikely"),
        (0.45, "roughly even chance"),
        (0.50, "roughly even chance"),
        (0.55, "roughly even chance"),
        (UP(0.55, 1.0), "likely"),
        (0.80, "likely"),
        (UP(0.80, 1.0), "very likely"),
        (0.95, "very likely"),
        (UP(0.95, 1.0), "almost certain"),
        (1.0, "almost certain"),
    ],
)
def test_icd203_edges(p: float, word: str) -> None:
    assert icd203(p) == word


def test_nan_is_not_applicable() -> None:
    assert icd203(float("nan")) == NOT_APPLICABLE
    assert list(icd203_words([np.nan, 0.9])) == [NOT_APPLICABLE, "very likely"]


@pytest.mark.parametrize("bad", [-0.01, 1.01, float("inf")])
def test_out_of_range_probability_is_refused_with_its_value(bad: float) -> None:
    with pytest.raises(ValueError, match="outside"):
        icd203(bad)


def test_bands_tile_zero_to_one_in_word_order() -> None:
    assert tuple(b[0] for b in ICD203_BANDS) == ICD203_WORDS
    for (_, _, _, hi, hi_in), (_, lo, lo_in, _, _) in zip(
        ICD203_BANDS[:-1], ICD203_BANDS[1:], strict=True
    ):
        assert hi == lo and hi_in != lo_in  # each edge belongs to exactly one band


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_words_are_monotone(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    rank = {w: i for i, w in enumerate(ICD203_WORDS)}
    assert rank[icd203(lo)] <= rank[icd203(hi)]


def _features(**overrides: object) -> pd.DataFrame:
    base = {
        "mean_logit": member_logit([0.6])[0],
        "n_detections": 4,
        "n_passes": 2,
        "n_satellites": 1,
        "n_days": 1,
        "in_zone": False,
        "distance_km": 5.0,
    }
    base.update(overrides)
    return pd.DataFrame([base])


def _p(**overrides: object) -> float:
    return float(violation_probability(_features(**overrides))[0])


def test_each_evidence_term_moves_the_probability_the_right_way() -> None:
    base = _p()
    assert _p(n_passes=4) > base
    assert _p(n_satellites=2) > base
    assert _p(n_days=3) > base
    assert _p(in_zone=True) > base
    assert _p(distance_km=-80.0) < base  # far on the government side
    assert _p(distance_km=80.0) < base  # far on the occupied side
    assert _p(distance_km=float("nan")) == pytest.approx(base)  # unknown: no location term
    assert _p(n_detections=1, n_passes=1) < _p(n_detections=2, n_passes=1)


def test_far_penalty_is_capped_and_persistence_saturates() -> None:
    params = LikelihoodParams()
    assert _p(distance_km=5000.0) == pytest.approx(_p(distance_km=2000.0))
    assert _p(n_days=params.max_days + 1) == pytest.approx(_p(n_days=params.max_days + 10))


def test_member_logit_clips_certainties_and_treats_nan_as_no_evidence() -> None:
    params = LikelihoodParams(p_floor=0.01)
    logits = member_logit([0.0, 1.0, np.nan], params)
    assert logits[0] == pytest.approx(-logits[1])
    assert math.isfinite(logits[0]) and logits[2] == 0.0


@given(
    st.floats(0.0, 1.0),
    st.integers(1, 500),
    st.integers(1, 40),
    st.integers(1, 4),
    st.integers(1, 60),
    st.booleans(),
    st.floats(-500.0, 500.0),
)
def test_probability_stays_inside_zero_one(p, n, passes, sats, days, zone, dist) -> None:
    out = _p(
        mean_logit=member_logit([p])[0],
        n_detections=n,
        n_passes=passes,
        n_satellites=sats,
        n_days=days,
        in_zone=zone,
        distance_km=dist,
    )
    assert 0.0 < out < 1.0
