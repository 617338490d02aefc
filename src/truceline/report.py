"""The morning summary: per sector and day, what was found, how sure, and where we could not see.

Built from the incident table and the coverage table; rendered as plain text
(``summary.txt``), a small self-contained HTML page, or Rich renderables for
the terminal. The text is the reference: the others show the same figures.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from truceline.coverage import incident_days
from truceline.likelihood import ICD203_WORDS, NOT_APPLICABLE

__all__ = ["Summary", "summarise", "to_html", "to_rich", "to_text"]

_STATE_LABEL = {
    "violations": "VIOLATIONS",
    "activity": "activity",
    "not_observed": "NOT OBSERVED",
    "partial": "partly observed",
    "unverified": "no fire seen",
    "quiet": "quiet",
}
_STATE_COLOUR = {
    "violations": "#c0392b",
    "activity": "#e67e22",
    "not_observed": "#7f8c8d",
    "partial": "#f1c40f",
    "unverified": "#a9cce3",
    "quiet": "#27ae60",
}


@dataclass
class Summary:
    """Everything the report shows, already counted."""

    title: str
    agreement: str
    start: datetime | None
    period: tuple[date, date]
    n_detections: int
    n_war_related: int
    n_incidents: int
    by_word: dict[str, int]  # incidents after the start, by likelihood word
    n_activity: int  # incidents for which "violation" does not apply
    n_violations: int
    sector_names: dict[str, str]
    coverage: pd.DataFrame  # coverage table plus a "words" column
    not_observed: pd.DataFrame  # sector, date, reason
    top: pd.DataFrame  # the most likely violations, for the headline


def _word_counts(words: pd.Series) -> str:
    counts = words.value_counts()
    ordered = [w for w in reversed(ICD203_WORDS) if w in counts]
    return ", ".join(f"{counts[w]} {w}" for w in ordered)


def summarise(
    *,
    agreement_name: str,
    start: datetime | None,
    period: tuple[date, date],
    detections: pd.DataFrame,
    incidents: pd.DataFrame,
    coverage: pd.DataFrame,
    sector_names: dict[str, str] | None = None,
    title: str = "truceline summary",
    n_top: int = 5,
) -> Summary:
    """Count what the report shows from the run's tables."""
    days = incident_days(incidents, detections if "id" in detections.columns else None)
    words = incidents.set_index("incident_id")["likelihood"] if len(incidents) else pd.Series()
    days["likelihood"] = days["incident_id"].map(words)
    applies = days[days["likelihood"] != NOT_APPLICABLE].dropna(subset=["sector"])
    per_day = (
        applies.groupby([applies["sector"].astype(str), "date"])["likelihood"].agg(_word_counts)
        if len(applies)
        else pd.Series(dtype=object)
    )
    table = coverage.copy()
    keys = list(zip(table["sector"], table["date"], strict=True))
    table["words"] = [per_day.get(k, "") for k in keys]
    after = incidents[incidents["likelihood"] != NOT_APPLICABLE]
    war = (
        detections["war_related"].astype("boolean").fillna(False)
        if "war_related" in detections.columns
        else pd.Series([], dtype=bool)
    )
    return Summary(
        title=title,
        agreement=agreement_name,
        start=start,
        period=period,
        n_detections=len(detections),
        n_war_related=int(war.sum()),
        n_incidents=len(incidents),
        by_word={w: int((after["likelihood"] == w).sum()) for w in reversed(ICD203_WORDS)},
        n_activity=int((incidents["likelihood"] == NOT_APPLICABLE).sum()),
        n_violations=int(incidents["is_violation"].astype(bool).sum()),
        sector_names=sector_names or {},
        coverage=table,
        not_observed=table.loc[table["state"] == "not_observed", ["sector", "date", "reason"]],
        top=_top(after, n_top),
    )


def _top(incidents: pd.DataFrame, n: int) -> pd.DataFrame:
    """The ``n`` most likely violations: id, start, sector, detections, distance, words."""
    columns = ["incident_id", "t_start", "sector", "n_detections", "distance_km", "probability",
               "likelihood"]  # fmt: skip
    ranked = incidents.sort_values(["probability", "incident_id"], ascending=[False, True])
    return pd.DataFrame(ranked[columns].head(n)).reset_index(drop=True)


def _label(summary: Summary, sector: object) -> str:
    """A sector's display name (its name already starts with its id when built by truceline)."""
    name = summary.sector_names.get(str(sector), "")
    return name if name.startswith(str(sector)) else f"{sector} {name}".strip()


def _start_text(start: datetime | None) -> str:
    return "none (in force throughout)" if start is None else f"{start:%Y-%m-%d %H:%M} UTC"


def _cell(row: pd.Series) -> str:
    """One sector-day as text: state, findings, passes and cloud."""
    parts = [f"{_STATE_LABEL.get(row['state'], row['state']):<16}"]
    if row["n_incidents"]:
        found = row["words"] or "activity before the start"
        parts.append(f"{row['n_incidents']} incident(s): {found}")
    elif row["state"] == "not_observed":
        parts.append(row["reason"])
    cloud = "cloud unknown" if pd.isna(row["cloud_cover"]) else f"cloud {row['cloud_cover']:.0f}%"
    parts.append(f"{row['n_passes']} pass(es), {cloud}")
    return " ".join(parts[:1]) + " " + "; ".join(parts[1:])


def to_text(summary: Summary) -> str:
    """The plain-text report (what ``summary.txt`` holds)."""
    first, last = summary.period
    lines = [
        summary.title,
        "=" * len(summary.title),
        f"Agreement: {summary.agreement}; ceasefire start: {_start_text(summary.start)}",
        f"Period: {first} .. {last} (UTC days)",
        f"Detections: {summary.n_detections} ({summary.n_war_related} war-related); "
        f"incidents: {summary.n_incidents} ({summary.n_violations} judged violations, "
        f"{summary.n_activity} before the start)",
        "",
        "Incidents after the start, by likelihood of being a ceasefire violation (ICD-203):",
    ]
    lines += [f"  {word:<20} {n:>5}" for word, n in summary.by_word.items()]
    if len(summary.top):
        lines += ["", "Most likely violations:"]
        lines += [f"  {_top_line(row)}" for _, row in summary.top.iterrows()]
    lines += ["", "Per sector and day:"]
    for sector, rows in summary.coverage.groupby("sector", sort=True):
        lines.append(f"  {_label(summary, sector)}")
        lines += [f"    {row['date']}  {_cell(row)}" for _, row in rows.iterrows()]
    lines += ["", f"Not observed ({len(summary.not_observed)} sector-days, never read as quiet):"]
    if summary.not_observed.empty:
        lines.append("  none")
    for day, rows in summary.not_observed.groupby("date", sort=True):
        lines.append(f"  {day}: {', '.join(map(str, rows['sector']))}")
    return "\n".join(lines) + "\n"


def _top_line(row: pd.Series) -> str:
    return (
        f"{row['incident_id']}  {row['t_start']:%Y-%m-%d %H:%M}Z  {row['sector'] or '-':<4} "
        f"{row['n_detections']:>3} det.  {row['distance_km']:+7.1f} km  "
        f"p={row['probability']:.2f} {row['likelihood']}"
    )


def to_html(summary: Summary) -> str:
    """A small self-contained HTML page: headline figures and a sector x day grid."""
    esc = html.escape
    days = sorted(summary.coverage["date"].unique())
    head = "".join(f"<th>{esc(str(d))}</th>" for d in days)
    rows = []
    for sector, group in summary.coverage.groupby("sector", sort=True):
        cells = []
        by_day = group.set_index("date")
        for day in days:
            row = by_day.loc[day]
            colour = _STATE_COLOUR.get(row["state"], "#ffffff")
            label = _STATE_LABEL.get(row["state"], row["state"])
            tip = esc(" ".join(_cell(row).split()))
            cells.append(f'<td style="background:{colour}" title="{tip}">{esc(label)}</td>')
        rows.append(f"<tr><th>{esc(_label(summary, sector))}</th>{''.join(cells)}</tr>")
    words = "".join(f"<li>{esc(w)}: {n}</li>" for w, n in summary.by_word.items())
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{esc(summary.title)}</title><style>body{{font-family:sans-serif}}"
        "td,th{padding:2px 6px;font-size:12px;color:#fff;text-align:left}th{color:#000}</style>"
        f"</head><body><h1>{esc(summary.title)}</h1>"
        f"<p>Agreement: {esc(summary.agreement)}; start: {esc(_start_text(summary.start))}; "
        f"period {summary.period[0]} .. {summary.period[1]} (UTC).</p>"
        f"<p>{summary.n_detections} detections, {summary.n_war_related} war-related; "
        f"{summary.n_incidents} incidents, {summary.n_violations} judged violations.</p>"
        f"<h2>Incidents after the start by likelihood</h2><ul>{words}</ul>"
        f"<h2>Sectors and days</h2><table><tr><th>sector</th>{head}</tr>{''.join(rows)}</table>"
        "<p>NOT OBSERVED means no usable satellite pass: absence of fires there says nothing.</p>"
        "</body></html>\n"
    )


def to_rich(summary: Summary, max_days: int = 14) -> Group:
    """Rich renderables for an 80-column terminal: headline, likelihood counts, the most
    likely violations, and a sector x day grid of the last ``max_days`` days."""
    head = Text.assemble(
        (summary.title + "\n", "bold"),
        f"{summary.agreement}; start {_start_text(summary.start)}; "
        f"{summary.period[0]} .. {summary.period[1]}\n",
        f"{summary.n_detections} detections ({summary.n_war_related} war-related) -> "
        f"{summary.n_incidents} incidents, ",
        (f"{summary.n_violations} judged violations", "bold red"),
    )
    words = Table(title="Incidents after the start, by likelihood", show_header=False,
                  box=box.SIMPLE)  # fmt: skip
    for word, n in summary.by_word.items():
        words.add_row(word, str(n))
    top = Table(title="Most likely violations", box=box.SIMPLE_HEAD, padding=(0, 1))
    for name in ("incident", "start UTC", "sec", "det", "km", "p, likelihood"):
        top.add_column(name, no_wrap=True)
    for _, row in summary.top.iterrows():
        top.add_row(
            str(row["incident_id"]), f"{row['t_start']:%m-%d %H:%M}", str(row["sector"] or "-"),
            str(row["n_detections"]), f"{row['distance_km']:+.1f}",
            f"{row['probability']:.2f} {row['likelihood']}",
        )  # fmt: skip
    days = sorted(summary.coverage["date"].unique())[-max_days:]
    grid = Table(
        title=(
            "Sectors by day (V violations, a activity, . quiet, ? nothing seen, cloud unknown, "
            "~ partial, - not observed)"
        ),
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
    )
    grid.add_column("sector", no_wrap=True, overflow="ellipsis", max_width=30)
    for day in days:
        grid.add_column(f"{day:%d}", justify="center", no_wrap=True)
    marks = {"violations": "[bold red]V", "activity": "[yellow]a", "quiet": "[green].",
             "partial": "[yellow]~", "unverified": "[cyan]?", "not_observed": "[dim]-"}  # fmt: skip
    for sector, group in summary.coverage.groupby("sector", sort=True):
        by_day = group.set_index("date")["state"]
        grid.add_row(_label(summary, sector), *[marks.get(by_day.get(d, ""), "?") for d in days])
    first = days[0] if days else summary.period[0]
    note = Text(f"days of {first:%B %Y} onwards (UTC); full table in summary.txt", style="dim")
    return Group(head, words, top, grid, note)
