"""Scenarios with known truth: FIRMS files as NASA ships them, and what really happened.

``truceline simulate SCENARIO.yaml --seed N --out DIR`` (or :func:`simulate`)
reads a YAML scenario (:mod:`.scenario`), draws peacetime fires from a real
FIRMS history (:mod:`.background`), injects war events (:mod:`.events`), flies
the VIIRS and MODIS satellites over them (:mod:`.passes`) under clouds
(:mod:`.clouds`), adds sensor noise (:mod:`.noise`, :mod:`.observe`), and
writes one FIRMS CSV per product and day (:mod:`.writer`) with the ground
truth beside it (:mod:`.truth`). Same scenario and seed, same bytes.
"""

from __future__ import annotations

from truceline.simulate.observe import SensingParams
from truceline.simulate.run import SimulationResult, simulate
from truceline.simulate.scenario import Scenario, load_scenario

__all__ = ["Scenario", "SensingParams", "SimulationResult", "load_scenario", "simulate"]
