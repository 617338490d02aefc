"""Tunables of detection scoring, each with the reason for its default."""

from __future__ import annotations

from dataclasses import dataclass

from truceline.errors import InputError

__all__ = ["DetectParams"]


@dataclass(frozen=True)
class DetectParams:
    """How excess over the baseline becomes a war-related probability.

    The probability is Bayesian: prior odds (from ``prior_war`` or, with an
    agreement, from the distance to the line of contact) times a Bayes factor
    read from the null tail probability of the neighbourhood statistic.
    """

    threshold: float = 0.5
    """``war_related`` is ``war_probability >= threshold``: more likely war than not."""

    prior_war: float = 0.02
    """Prior probability that a detection is war-related when no agreement is given.
    Low on purpose: without geometry only strong excess should be flagged. The flag
    then needs a null tail probability below about 0.001 (Bayes factor 49); on the
    2012-2020 leave-one-year-out null that flags under 1 % of every month but two
    (September and October 2016, Polissia peat fires: 2.9 % and 1.7 %)."""

    alternative_shape: float = 0.1
    """Shape ``a`` of the Beta(a, 1) density of the null tail probability ``p`` under war
    activity; the Bayes factor is ``a * p ** (a - 1)``: 0.1 at p = 1 (evidence for
    peace), 50 at p = 0.001, 400 at p = 0.0001 (close to the Sellke-Bayarri-Berger
    bound ``1 / (-e p ln p)``, the largest factor a p-value can honestly carry)."""

    line_prior: float = 0.3
    """With an agreement: prior at the line of contact, where shelling and fighting
    fires concentrate (fields there burn in peace too, so the excess must still show:
    the flag needs a tail probability below about 0.03)."""

    far_prior: float = 0.005
    """With an agreement: prior far from the line (and outside the agreement's area):
    deep strikes exist, but most fires there are farming, wildfire or industry."""

    prior_scale_km: float = 15.0
    """With an agreement: the prior falls from ``line_prior`` to ``far_prior`` as a
    Gaussian of the distance to the line with this scale: most fighting fires lie
    within 10-20 km of the line (tube artillery reaches 20-30 km); at 25 km the prior
    is a quarter of the line's, at 45 km it is back near ``far_prior``."""

    start_aware: bool = True
    """With an agreement that has a start: the windows of a detection after the start
    reach back no further than the start's UTC day (ADR 0028). The 31-day statistic then
    counts activity since the start against the null of its shorter window, and the burst's
    recent-activity stratum is the quiet since the start: the war before it neither
    inflates nor masks what follows. Before the start nothing changes."""

    after_start_odds: float = 1.0
    """With an agreement that has a start: a factor on the prior odds of war activity after
    the start, relative to the odds the distance to the line gives during a war (ADR 0028).
    1 (default) keeps the war's prior: a missed violation costs as much as a false one,
    and on the measured ceasefires (six simulated runs, September 2023, the 2025 NRT
    period) the war's prior with windows since the start found far more violations
    (188 post-start war detections against 58 false ones, all from one field fire) than
    0.1 did (27 against none), and flagged a failed ceasefire days earlier. A monitor
    who trusts the truce to hold may lower it: 0.1 says a ceasefire cuts fighting by an
    order of magnitude (at the line the prior then falls from 0.3 to 0.041)."""

    activity_scale: float | None = None
    """Fixed multiplier of the baseline's expected activity. ``None`` (default): the
    regional activity scale estimated day by day from the scored data themselves
    (:mod:`truceline.baseline.activity`), which absorbs weather, the year's level and
    the sensor mix; for a baseline fitted without it, the ``sensor_factors`` ratio.
    Set it when the input covers only part of the baseline's area."""

    sensor_factors: tuple[tuple[str, float], ...] = (
        ("unknown", 1.0),
        ("mixed", 1.0),
        ("viirs-single", 0.87),
        ("viirs-multi", 1.0),
        ("modis", 0.34),
    )
    """Active cell-days a sensor mix sees relative to the VIIRS + MODIS history
    (2012-2021 in ../shared), used only without the regional scale. Measured from
    that history by coordinate precision (VIIRS rows carry 5-6 decimals, MODIS 4):
    one VIIRS satellite alone sees 85-88 % of its active cell-days, MODIS alone
    30-35 %. "unknown" (the reduced form) is taken as the history's own mix;
    "viirs-multi" is assumed 1."""

    chunk_days: int = 366
    """Days scored per block: bounds memory (a year of Ukraine is ~100 MB) on long inputs."""

    def __post_init__(self) -> None:
        checks = {
            "threshold": 0.0 <= self.threshold <= 1.0,
            "prior_war": 0.0 < self.prior_war < 1.0,
            "alternative_shape": 0.0 < self.alternative_shape <= 1.0,
            "line_prior": 0.0 < self.line_prior < 1.0,
            "far_prior": 0.0 < self.far_prior < 1.0,
            "prior_scale_km": self.prior_scale_km > 0,
            "after_start_odds": 0.0 < self.after_start_odds <= 1.0,
            "activity_scale": self.activity_scale is None or self.activity_scale > 0,
            "chunk_days": self.chunk_days >= 1,
        }
        for name, ok in checks.items():
            if not ok:
                raise InputError(
                    f"DetectParams.{name} has an invalid value {getattr(self, name)!r}"
                )

    def factor(self, mix: str) -> float:
        """Relative activity of sensor mix ``mix`` (1.0 for a mix not listed)."""
        return float(dict(self.sensor_factors).get(mix, 1.0))
