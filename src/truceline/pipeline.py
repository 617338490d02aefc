"""The main job: ingest what is new, score, build incidents, check coverage, write everything.

:func:`run` is what ``truceline run`` does every morning; :func:`demo` runs it on
the real data bundled with the package (seven days of 2025 VIIRS NOAA-20 NRT
files, the DeepStateMap line of 2025-08-11, a ceasefire starting 2025-08-11
00:00 UTC, and the compact baseline), so a clean clone shows the whole chain.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from truceline.clouds import read_cloud_cover, sector_cloud_cover, sector_oblast_weights
from truceline.coverage import CoverageParams, sector_days
from truceline.errors import BaselineError, InputError
from truceline.export import write_detections, write_incidents
from truceline.incidents import IncidentParams, build_incidents
from truceline.report import Summary, summarise, to_html, to_text

if TYPE_CHECKING:
    from truceline.agreement import Agreement
    from truceline.baseline import Baseline

__all__ = [
    "DEMO_DAYS",
    "DEMO_START",
    "RunParams",
    "RunResult",
    "attach_evidence",
    "default_baseline",
    "demo",
    "demo_files",
    "load_scored",
    "run",
]

#: The demo's ceasefire start and its days (the bundled files).
DEMO_START = datetime(2025, 8, 11, tzinfo=UTC)
DEMO_DAYS = (date(2025, 8, 11), date(2025, 8, 17))
_DATA = Path(__file__).parent / "data"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class RunParams:
    """What a run writes and the parameters of its stages."""

    incidents: IncidentParams = field(default_factory=IncidentParams)
    """Clustering and grading of incidents."""

    coverage: CoverageParams = field(default_factory=CoverageParams)
    """Cloud thresholds of the coverage states."""

    incident_formats: tuple[str, ...] = ("geojson", "gpkg", "parquet", "csv", "kml")
    """Incident files written: every format, since each audience reads a different one
    (GIS: GeoPackage; web: GeoJSON; analysts: Parquet/CSV; field: KML)."""

    detection_formats: tuple[str, ...] = ("parquet", "csv")
    """Scored-detection files written (the evidence behind every incident)."""


@dataclass
class RunResult:
    """What a run produced (tables in memory, files on disk)."""

    out: Path
    agreement: Agreement
    period: tuple[date, date]
    detections: pd.DataFrame
    incidents: gpd.GeoDataFrame
    coverage: pd.DataFrame
    summary: Summary
    files: dict[str, Path]
    ingest: dict[str, Any] | None = None
    n_quarantined: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready account of the run."""
        states = self.coverage["state"].value_counts().to_dict()
        return {
            "out": str(self.out),
            "agreement": {"name": self.agreement.name, "version": self.agreement.version},
            "start": None if self.agreement.start is None else self.agreement.start.isoformat(),
            "period": [str(self.period[0]), str(self.period[1])],
            "detections": len(self.detections),
            "war_related": self.summary.n_war_related,
            "incidents": len(self.incidents),
            "violations": self.summary.n_violations,
            "by_likelihood": self.summary.by_word,
            "sector_days": {k: int(v) for k, v in states.items()},
            "files": {k: str(v) for k, v in self.files.items()},
            "ingest": self.ingest,
            "quarantined": self.n_quarantined,
        }


def _agreement(value: Agreement | str | PathLike[str]) -> Agreement:
    from truceline.agreement import Agreement, load_agreement

    return value if isinstance(value, Agreement) else load_agreement(value)


def default_baseline() -> Path:
    """The compact baseline shipped with the package (``truceline.baseline.DEFAULT_BASELINE``)."""
    from truceline.baseline import DEFAULT_BASELINE

    if not Path(DEFAULT_BASELINE).exists():
        raise BaselineError(f"{DEFAULT_BASELINE}: shipped baseline missing; give --baseline FILE")
    return Path(DEFAULT_BASELINE)


def _baseline(value: Baseline | str | PathLike[str] | None) -> Baseline:
    from truceline.baseline import load_baseline

    if value is None:
        return load_baseline(default_baseline())
    if isinstance(value, str | PathLike):
        return load_baseline(Path(value))
    return value


def _days(first: date, last: date) -> list[date]:
    if last < first:
        raise InputError(f"--to {last} is before --from {first}")
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _query(archive: Any, first: date, last: date, agreement: Agreement) -> pd.DataFrame:
    """Detections of ``first``..``last`` inside the agreement's boundary box, as pandas."""
    if last < first:
        return pd.DataFrame({"acq_date": []})
    table = archive.query(start=first, end=last, bbox=agreement.boundary.bounds)
    frame = table.to_pandas()
    frame = frame.drop(columns=[c for c in ("geometry",) if c in frame.columns])
    day = pd.to_datetime(frame["acq_date"]).dt.date
    return frame[(day >= first) & (day <= last)].reset_index(drop=True)


def _context(archive: Any, first: date, baseline: Baseline, agreement: Agreement) -> Any:
    """Detections of the days before ``first`` that the baseline's window looks back on."""
    before = int(getattr(baseline.params, "window_before_days", 0))
    if before <= 0:
        return None
    frame = _query(archive, first - timedelta(days=before), first - timedelta(days=1), agreement)
    return frame if len(frame) else None


def _clouds(
    paths: Sequence[str | PathLike[str]], agreement: Agreement, days: list[date]
) -> pd.DataFrame | None:
    if not paths:
        return None
    weights = sector_oblast_weights(agreement.sectors)
    return sector_cloud_cover(weights, read_cloud_cover(paths), dates=days)


def _write(
    out: Path, scored: pd.DataFrame, incidents: gpd.GeoDataFrame, coverage: pd.DataFrame,
    summary: Summary, params: RunParams,
) -> dict[str, Path]:  # fmt: skip
    files: dict[str, Path] = {}
    for fmt in params.incident_formats:
        suffix = "parquet" if fmt == "parquet" else fmt
        files[f"incidents.{fmt}"] = write_incidents(incidents, out / f"incidents.{suffix}", fmt)
    for fmt in params.detection_formats:
        files[f"detections.{fmt}"] = write_detections(scored, out / f"detections.{fmt}", fmt)
    table = coverage.assign(satellites=coverage["satellites"].map(";".join))
    files["coverage.csv"] = out / "coverage.csv"
    table.to_csv(files["coverage.csv"], index=False)
    files["summary.txt"] = out / "summary.txt"
    files["summary.txt"].write_text(to_text(summary), encoding="utf-8")
    files["summary.html"] = out / "summary.html"
    files["summary.html"].write_text(to_html(summary), encoding="utf-8")
    return files


def run(
    agreement: Agreement | str | PathLike[str],
    first: date,
    last: date,
    *,
    archive: str | PathLike[str],
    inbox: Iterable[str | PathLike[str]] = (),
    baseline: Baseline | str | PathLike[str] | None = None,
    out: str | PathLike[str] = "truceline-output",
    clouds: Sequence[str | PathLike[str]] = (),
    params: RunParams = RunParams(),
    progress: Progress | None = None,
    title: str = "truceline summary",
    client: Any = None,
) -> RunResult:
    """Ingest ``inbox`` into ``archive``, then score, cluster and report ``first``..``last``.

    ``agreement``: an :class:`~truceline.agreement.Agreement` or its GeoPackage;
    ``baseline``: a fitted baseline or its file (default: the one shipped with the
    package); ``clouds``: per-oblast cloud tables (files or folders), optional.
    Writes incidents, scored detections, the coverage table and the summary
    (text and HTML) into ``out``. Days are UTC and inclusive. ``client``: a
    ``dask.distributed.Client`` to score month chunks on a cluster
    (:mod:`truceline.scale`); the default scores in this process.
    """
    from truceline.detect import score_detections
    from truceline.store import Archive

    step = progress or (lambda _: None)
    days = _days(first, last)
    step("agreement and baseline")
    agreement = _agreement(agreement)
    fitted = _baseline(baseline)
    store = Archive(archive)
    ingest, quarantined = None, 0
    paths = list(inbox)
    if paths:
        step("ingest")
        report = store.ingest(paths, aoi=agreement.boundary.bounds)
        ingest, quarantined = report.to_dict(), int(report.n_quarantined)
    step("score")
    if client is None:
        detections = _query(store, first, last, agreement)
        context = _context(store, first, fitted, agreement)
        scored = score_detections(detections, fitted, agreement, context=context)
    else:
        from truceline.scale import score_archive

        scored = score_archive(store, first, last, fitted, agreement, client=client)
    step("incidents")
    incidents = build_incidents(scored, agreement, params.incidents)
    step("coverage")
    coverage = sector_days(
        agreement.sectors,
        days,
        store.observations(start=first, end=last),
        incidents,
        detections=scored,
        clouds=_clouds(clouds, agreement, days),
        params=params.coverage,
    )
    summary = summarise(
        agreement_name=agreement.name,
        start=agreement.start,
        period=(first, last),
        detections=scored,
        incidents=incidents,
        coverage=coverage,
        sector_names=dict(
            zip(agreement.sectors["sector_id"], agreement.sectors["name"], strict=True)
        ),
        title=title,
    )
    step("write")
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    files = _write(target, scored, incidents, coverage, summary, params)
    return RunResult(
        out=target,
        agreement=agreement,
        period=(first, last),
        detections=scored,
        incidents=incidents,
        coverage=coverage,
        summary=summary,
        files=files,
        ingest=ingest,
        n_quarantined=quarantined,
    )


_SCORE_COLUMNS = ("war_related", "war_probability")
_CANONICAL = ("id", "lat", "lon", "acq_date", *_SCORE_COLUMNS)


def _truthy(values: pd.Series) -> pd.Series:
    text = values.astype(str).str.strip().str.lower()
    return text.isin(["true", "1", "yes", "t"])


def load_scored(path: str | PathLike[str]) -> pd.DataFrame:
    """Read scored detections for :func:`~truceline.incidents.build_incidents`.

    Two forms are accepted. The canonical form (``detections.parquet/csv`` of a
    run: detection columns with ``id`` and ``source_sha256``) is used as is. The
    ``truceline detect`` form (a FIRMS file with its own columns kept plus the
    score columns) is read again with the FIRMS reader, which gives the canonical
    columns and ids, and the scores are joined back by line; its evidence hash is
    then the SHA-256 of the scored file itself.
    """
    from truceline.export import read_table
    from truceline.sensors import read_firms

    src = Path(path)
    frame = pd.DataFrame(read_table(src))
    missing = [c for c in _SCORE_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{src}: not scored detections, missing column(s) {missing}")
    if all(c in frame.columns for c in _CANONICAL):
        frame = frame.drop(columns=[c for c in ("geometry",) if c in frame.columns])
        frame["acq_date"] = pd.to_datetime(frame["acq_date"]).dt.date
        if "acq_time" in frame.columns:
            frame["acq_time"] = pd.to_datetime(frame["acq_time"], utc=True)
        frame["war_related"] = _truthy(frame["war_related"])
        return frame
    with warnings.catch_warnings():  # the score columns are unknown to FIRMS, as expected
        warnings.filterwarnings("ignore", message=".*ignored unknown columns.*")
        reads = read_firms(src, keep_raw=True)
    parts = []
    for read in reads:
        table = read.table.to_pandas()
        raw = read.raw.to_pandas() if read.raw is not None else pd.DataFrame()
        scores = raw.set_index("source_line")[list(_SCORE_COLUMNS)]
        joined = table.join(scores, on="source_line")
        joined["war_related"] = _truthy(joined["war_related"])
        joined["war_probability"] = pd.to_numeric(joined["war_probability"], errors="coerce")
        parts.append(joined)
    return pd.concat(parts, ignore_index=True) if parts else frame.iloc[0:0]


def attach_evidence(frame: pd.DataFrame, archive: str | PathLike[str]) -> tuple[pd.DataFrame, int]:
    """Point each scored detection's evidence at the file NASA shipped, via the archive.

    ``truceline detect`` output carries no hashes, so :func:`load_scored` can only
    cite the scored file itself. Detections whose id the archive knows get that
    archive's ``source_sha256``, ``source_file`` and ``source_line`` instead.
    Returns the frame and how many rows were resolved.
    """
    from truceline.store import Archive

    if frame.empty:
        return frame, 0
    dates = pd.to_datetime(frame["acq_date"])
    found = Archive(archive).query(
        dates.min().date(),
        dates.max().date(),
        columns=["id", "source_sha256", "source_file", "source_line"],
    )
    known = found.to_pandas().drop_duplicates("id").set_index("id")
    hit = frame["id"].isin(known.index)
    out = frame.copy()
    for column in ("source_sha256", "source_file", "source_line"):
        out.loc[hit, column] = known.loc[out.loc[hit, "id"], column].to_numpy()
    return out, int(hit.sum())


def demo_files() -> list[Path]:
    """The bundled real NRT files (2025-08-11 .. 2025-08-17)."""
    return sorted((_DATA / "demo").glob("*.csv"))


def demo(
    out: str | PathLike[str] = "demo-output",
    *,
    baseline: Baseline | str | PathLike[str] | None = None,
    params: RunParams = RunParams(),
    progress: Progress | None = None,
) -> RunResult:
    """Run the whole chain on the bundled real data; writes into ``out`` (archive included).

    ``baseline``: default the one shipped with the package.
    """
    from truceline.agreement import DEMO_OCCUPIED, build_agreement

    step = progress or (lambda _: None)
    target = Path(out)
    step("agreement")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        agreement = build_agreement(
            DEMO_OCCUPIED, start=DEMO_START, name="Demo ceasefire on the 2025-08-11 line"
        )
    for warning in caught:  # known quirks of the bundled polygon: shown, not raised
        step(f"note: {warning.message}")
    target.mkdir(parents=True, exist_ok=True)
    saved = agreement.save(target / "agreement.gpkg")
    result = run(
        agreement,
        *DEMO_DAYS,
        archive=target / "archive",
        inbox=demo_files(),
        baseline=baseline,
        out=target,
        params=params,
        progress=progress,
        title="truceline demo: 2025-08-11 .. 2025-08-17, ceasefire from 2025-08-11 00:00 UTC",
    )
    result.files["agreement.gpkg"] = saved
    return result
