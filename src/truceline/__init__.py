"""truceline: open, self-hostable ceasefire monitoring and verification.

The library API is re-exported here; the ``truceline`` CLI is a thin layer
over it.
"""

from __future__ import annotations

from truceline.errors import (
    AgreementError,
    ArchiveError,
    BaselineError,
    FirmsRowError,
    InfeasiblePlanError,
    InputError,
    NotFirmsError,
    PlanInputError,
    ScenarioError,
    SolverError,
    TrucelineError,
    TruthFileError,
    VectorFileError,
)
from truceline.schema import DETECTION_COLUMNS, DETECTION_SCHEMA

__version__ = "0.1.0"

__all__ = [
    "DETECTION_COLUMNS",
    "DETECTION_SCHEMA",
    "AgreementError",
    "ArchiveError",
    "BaselineError",
    "FirmsRowError",
    "InfeasiblePlanError",
    "InputError",
    "NotFirmsError",
    "PlanInputError",
    "ScenarioError",
    "SolverError",
    "TrucelineError",
    "TruthFileError",
    "VectorFileError",
    "__version__",
]
