"""Errors raised by truceline.

Every error derives from :class:`TrucelineError`; the CLI prints
``ErrorType: message`` and exits with the code in :data:`EXIT_CODES`.
Messages name the culprit: the file, the row and the field where known.
Problems that only cost quality or speed are warnings, not errors.

Exception tree::

    TrucelineError
    ├── InputError                  bad input from the user (exit 3)
    │   ├── NotFirmsError           a file that is not a FIRMS product
    │   ├── FirmsRowError           a FIRMS row that cannot be read
    │   ├── VectorFileError         a vector file GDAL cannot read or that holds no usable geometry
    │   ├── ScenarioError           a simulation scenario file that does not validate
    │   ├── PlanInputError          a force-planning scenario file that does not validate
    │   └── TruthFileError          a truth or labelled file that the evaluator cannot use
    ├── ArchiveError                an archive directory that is missing or inconsistent (exit 4)
    ├── AgreementError              an agreement that cannot be built or loaded (exit 5)
    ├── BaselineError               a baseline that cannot be fitted, loaded or used (exit 6)
    ├── InfeasiblePlanError         a force plan whose constraints cannot all hold (exit 7)
    └── SolverError                 the optimiser stopped without any plan (time limit) (exit 9)
"""

from __future__ import annotations

__all__ = [
    "EXIT_CODES",
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
    "exit_code_for",
]


class TrucelineError(Exception):
    """Base class of every error truceline raises on purpose."""


class InputError(TrucelineError):
    """Input given by the user cannot be used."""


class NotFirmsError(InputError):
    """A file is not a FIRMS active-fire product in any known layout."""


class FirmsRowError(InputError):
    """A FIRMS row cannot be read (raised only where a row cannot be quarantined)."""


class VectorFileError(InputError):
    """A vector file cannot be read or holds no usable geometry."""


class ScenarioError(InputError):
    """A simulation scenario file does not validate."""


class PlanInputError(InputError):
    """A force-planning scenario file does not validate."""


class TruthFileError(InputError):
    """A truth or labelled file lacks what the evaluator needs."""


class ArchiveError(TrucelineError):
    """An archive directory is missing, unreadable or inconsistent."""


class AgreementError(TrucelineError):
    """An agreement cannot be built from its inputs, or loaded."""


class BaselineError(TrucelineError):
    """A baseline cannot be fitted, loaded, or used for the data given."""


class InfeasiblePlanError(TrucelineError):
    """A force plan's hard constraints cannot all be satisfied."""


class SolverError(TrucelineError):
    """The optimiser stopped (e.g. at its time limit) without finding any plan."""


#: Process exit codes by error class (the most specific class wins).
EXIT_CODES: dict[type[TrucelineError], int] = {
    TrucelineError: 1,
    InputError: 3,
    ArchiveError: 4,
    AgreementError: 5,
    BaselineError: 6,
    InfeasiblePlanError: 7,
    SolverError: 9,
}


def exit_code_for(error: TrucelineError) -> int:
    """Return the process exit code for ``error`` (its nearest listed class)."""
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1
