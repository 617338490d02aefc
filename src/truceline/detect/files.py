"""Score FIRMS files row for row: the input's own columns kept, scores appended.

This is the contract of ``truceline detect``: one output row per input data
row, in input order, with the input's columns as the input had them (same
names, same text) plus ``expected``, ``excess_score``, ``war_probability`` and
``war_related``. A row the reader quarantined keeps its row, with empty scores.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from truceline.baseline import Baseline
from truceline.detect.params import DetectParams
from truceline.detect.score import score_detections
from truceline.errors import InputError
from truceline.schema import DETECTION_SCHEMA
from truceline.sensors.base import QUARANTINE_SCHEMA, PathLike
from truceline.sensors.firms import FirmsRead, iter_firms

if TYPE_CHECKING:
    from truceline.agreement import Agreement

__all__ = ["OUTPUT_COLUMNS", "ScoredFiles", "format_scores", "score_files", "score_reads"]

#: Columns ``truceline detect`` appends to the input's own.
OUTPUT_COLUMNS = ("expected", "excess_score", "war_probability", "war_related")

_LINE = "source_line"
_DEFAULT_PARAMS = DetectParams()


@dataclass(frozen=True)
class ScoredFiles:
    """Row-preserving scores of FIRMS files."""

    rows: pd.DataFrame  # input columns (text) + OUTPUT_COLUMNS, one row per input data row
    scored: pd.DataFrame  # the good rows as DETECTION_SCHEMA + score columns
    quarantine: pa.Table  # every quarantined row (file, line, field, value, reason)
    reads: list[FirmsRead]

    @property
    def summary(self) -> dict[str, Any]:
        """Rows, scored rows, flagged rows and the flagged share of scored rows."""
        flagged = int(self.scored["war_related"].sum()) if len(self.scored) else 0
        scored = int(np.isfinite(self.scored["war_probability"]).sum()) if len(self.scored) else 0
        return {
            "rows": len(self.rows),
            "scored": scored,
            "quarantined": self.quarantine.num_rows,
            "flagged": flagged,
            "share": flagged / scored if scored else 0.0,
            "files": [read.display or str(read.path) for read in self.reads],
        }


def _raw_rows(read: FirmsRead) -> pd.DataFrame:
    """The input rows as text, with rows of the wrong shape put back at their line."""
    assert read.raw is not None
    raw = read.raw.to_pandas()
    names = [c for c in raw.columns if c != _LINE]
    q = read.quarantine.to_pandas()
    lost = q[~q["line"].isin(raw[_LINE])].drop_duplicates("line")
    if len(lost):
        back = []
        for line, value in zip(lost["line"], lost["value"], strict=True):
            fields = str(value if value is not None else "").split(",")
            row: dict[str, object] = {
                name: (fields[i] if i < len(fields) else None) for i, name in enumerate(names)
            }
            row[_LINE] = int(line)
            back.append(row)
        raw = pd.concat([raw, pd.DataFrame(back)], ignore_index=True)
        raw = raw.sort_values(_LINE, kind="stable").reset_index(drop=True)
    return raw


def _empty_table() -> pa.Table:
    return DETECTION_SCHEMA.empty_table()


def score_files(
    paths: Iterable[PathLike],
    baseline: Baseline,
    agreement: Agreement | None = None,
    params: DetectParams = _DEFAULT_PARAMS,
    *,
    context: pa.Table | pd.DataFrame | None = None,
) -> ScoredFiles:
    """Read FIRMS files (keeping their raw rows) and score every good row."""
    reads = list(iter_firms(paths, keep_raw=True))
    return score_reads(reads, baseline, agreement, params, context=context)


def score_reads(
    reads: list[FirmsRead],
    baseline: Baseline,
    agreement: Agreement | None = None,
    params: DetectParams = _DEFAULT_PARAMS,
    *,
    context: pa.Table | pd.DataFrame | None = None,
) -> ScoredFiles:
    """Score FIRMS reads made with ``keep_raw=True`` (see :func:`score_files`)."""
    if any(read.raw is None for read in reads):
        raise InputError("score_reads needs reads made with keep_raw=True")
    tables = [read.table for read in reads] or [_empty_table()]
    detections = pa.concat_tables(tables)
    scored = score_detections(detections, baseline, agreement, params, context=context)
    parts = []
    offset = 0
    for read in reads:
        part = scored.iloc[offset : offset + read.table.num_rows]
        offset += read.table.num_rows
        raw = _raw_rows(read)
        clash = [c for c in OUTPUT_COLUMNS if c in raw.columns]
        if clash:
            warnings.warn(
                f"{read.display}: input columns {clash} are replaced by the new scores",
                stacklevel=2,
            )
            raw = raw.drop(columns=clash)
        scores = part[[_LINE, *OUTPUT_COLUMNS]].drop_duplicates(_LINE)
        merged = raw.merge(scores, on=_LINE, how="left", validate="one_to_one")
        parts.append(merged)
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=OUTPUT_COLUMNS)
    quarantines = [read.quarantine for read in reads if read.quarantine.num_rows]
    quarantine = pa.concat_tables(quarantines) if quarantines else QUARANTINE_SCHEMA.empty_table()
    return ScoredFiles(rows, scored, quarantine, reads)


def format_scores(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows ready for CSV: input text untouched, scores as fixed text, empty when unscored."""
    out = rows.drop(columns=[_LINE], errors="ignore").copy()
    scored = pd.to_numeric(out["war_probability"], errors="coerce").notna().to_numpy()

    def text(values: pd.Series, fmt: str) -> list[str]:
        return [fmt.format(v) if ok else "" for v, ok in zip(values, scored, strict=True)]

    out["expected"] = text(out["expected"], "{:.4g}")
    out["excess_score"] = text(out["excess_score"], "{:.3f}")
    out["war_probability"] = text(out["war_probability"], "{:.4f}")
    flags = out["war_related"].astype(object).to_numpy()
    out["war_related"] = [
        ("true" if bool(f) else "false") if ok else "" for f, ok in zip(flags, scored, strict=True)
    ]
    return out
