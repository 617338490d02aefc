"""Shared fixtures: where the real data lives, and small helpers.

Real data comes from ``../shared/data`` (see its PROVENANCE.md) or from the
demo set bundled in the package. Set ``TRUCELINE_SHARED_DATA`` to point
elsewhere. Tests never touch the network.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def _find_shared() -> Path | None:
    env = os.environ.get("TRUCELINE_SHARED_DATA")
    if env:
        return Path(env)
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "data"
        if (candidate / "PROVENANCE.md").exists():
            return candidate
        candidate = parent.parent / "shared" / "data"
        if (candidate / "PROVENANCE.md").exists():
            return candidate
    return None


SHARED_DATA = _find_shared()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only real data folder (``../shared/data``)."""
    if SHARED_DATA is None or not SHARED_DATA.exists():
        pytest.skip("real data folder ../shared/data not found (set TRUCELINE_SHARED_DATA)")
    return SHARED_DATA
