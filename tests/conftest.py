"""Shared fixtures: where the real data lives, and small helpers.

Real data comes from ``../shared/data`` (see its PROVENANCE.md) or from the
demo set bundled in the package. Set ``TRUCELINE_SHARED_DATA`` to point
elsewhere. Tests never touch the network.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

#: Where the team's machines keep the shared data when the checkout is elsewhere.
_WELL_KNOWN = (Path("/work/shared/data"),)


def _find_shared() -> Path | None:
    env = os.environ.get("TRUCELINE_SHARED_DATA")
    if env:
        return Path(env)
    for parent in Path(__file__).resolve().parents:
        for candidate in (parent / "shared" / "data", parent.parent / "shared" / "data"):
            if (candidate / "PROVENANCE.md").exists():
                return candidate
    return next((c for c in _WELL_KNOWN if (c / "PROVENANCE.md").exists()), None)


SHARED_DATA = _find_shared()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only real data folder (``../shared/data``)."""
    if SHARED_DATA is None or not SHARED_DATA.exists():
        pytest.skip("real data folder ../shared/data not found (set TRUCELINE_SHARED_DATA)")
    return SHARED_DATA


#: The demo ceasefire's start (the bundled 2025-08-11 occupied area).
DEMO_START = "2025-08-11T00:00:00Z"


@pytest.fixture(scope="session")
def agreement_gpkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real 2025-08-11 agreement (bundled polygon), built once per session and saved."""
    from truceline.agreement import DEMO_OCCUPIED, build_agreement

    path = tmp_path_factory.getbasetemp() / "agreement-20250811" / "agreement.gpkg"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the sub-km² pockets it drops, by design
            build_agreement(DEMO_OCCUPIED, start=DEMO_START).save(path)
    return path
