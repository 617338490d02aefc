"""Read scenario YAML files: ``extends`` variants, agreements, clear errors.

A scenario file may ``extends:`` another (a path relative to it, or the name of
a shipped scenario such as ``paris-2026``) and override parts of it: mappings
merge key by key, and lists of named items (contributors and roles by ``name``,
sectors and pledges by ``id`` or ``domain``, splits by ``role``) merge item by
item, so a variant states only what differs. An item with ``remove: true`` is
dropped. A file with a top-level ``scenarios:`` list names several scenario
files to compare.

Every problem is a :class:`~truceline.errors.PlanInputError` naming the file,
the field (with the contributor's or sector's name) and the bad value.
"""

from __future__ import annotations

import warnings
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from truceline.errors import AgreementError, PlanInputError
from truceline.force.scenario import Scenario

__all__ = [
    "default_scenario_path",
    "load_scenario",
    "load_scenarios",
    "scenario_from_dict",
    "shipped_scenarios",
]

_MERGE_KEYS = ("id", "name", "role", "domain")
_SECTOR_OVERRIDES = frozenset({"id", "priority", "must_cover"})
_MAX_ERRORS = 8


def shipped_scenarios() -> dict[str, Path]:
    """The scenario files shipped with truceline, by name (file stem)."""
    folder = resources.files("truceline") / "data" / "force"
    return {Path(str(p)).stem: Path(str(p)) for p in folder.iterdir() if str(p).endswith(".yaml")}


def default_scenario_path() -> Path:
    """The shipped default: the Paris summit of January 2026."""
    return shipped_scenarios()["paris-2026"]


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate one scenario file (following ``extends``)."""
    path = Path(path)
    raw = _resolve(path, seen=())
    if "scenarios" in raw:
        raise PlanInputError(
            f"{path}: is a comparison file (it lists 'scenarios'); use load_scenarios or "
            "`truceline plan compare`"
        )
    return scenario_from_dict(raw, source=str(path), base_dir=path.parent)


def load_scenarios(paths: list[str | Path] | str | Path) -> list[Scenario]:
    """Read scenario files, expanding comparison files (a ``scenarios:`` list)."""
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    out: list[Scenario] = []
    for item in items:
        path = Path(item)
        raw = _read_yaml(path)
        if "scenarios" not in raw:
            out.append(load_scenario(path))
            continue
        listed = raw["scenarios"]
        if not isinstance(listed, list) or not listed:
            raise PlanInputError(f"{path}: scenarios: must be a non-empty list of file names")
        for i, name in enumerate(listed):
            if not isinstance(name, str):
                raise PlanInputError(f"{path}: scenarios[{i}]: must be a file name (got {name!r})")
            out.append(load_scenario(_locate(name, path.parent, path, f"scenarios[{i}]")))
    return out


def scenario_from_dict(
    raw: dict[str, Any], *, source: str = "<scenario>", base_dir: Path | None = None
) -> Scenario:
    """Validate a scenario given as a mapping; errors name ``source`` and the field."""
    raw = dict(raw)
    if raw.get("agreement"):
        raw = _with_agreement(raw, source, base_dir or Path.cwd())
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as error:
        raise PlanInputError(_explain(error, raw, source)) from None
    scenario._source = source
    return scenario


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanInputError(f"{path}: no such scenario file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise PlanInputError(f"{path}: cannot be read ({error})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise PlanInputError(f"{path}:{where}: not valid YAML ({problem})") from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise PlanInputError(f"{path}: a scenario file must be a YAML mapping (this one is {kind})")
    return data


def _locate(name: str, base_dir: Path, path: Path, field: str) -> Path:
    candidate = base_dir / name
    if candidate.exists():
        return candidate
    shipped = shipped_scenarios()
    stem = Path(name).stem
    if "/" not in name and stem in shipped:
        return shipped[stem]
    raise PlanInputError(
        f"{path}: {field}: {name!r} is neither a file next to it nor a shipped scenario "
        f"({', '.join(sorted(shipped))})"
    )


def _resolve(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    if path.resolve() in seen:
        chain = " -> ".join(str(p) for p in (*seen, path.resolve()))
        raise PlanInputError(f"{path}: extends: a cycle ({chain})")
    raw = _read_yaml(path)
    parent = raw.pop("extends", None)
    if parent is None:
        return raw
    if not isinstance(parent, str):
        raise PlanInputError(f"{path}: extends: must be a file name (got {parent!r})")
    base_path = _locate(parent, path.parent, path, "extends")
    base = _resolve(base_path, (*seen, path.resolve()))
    if base.get("agreement") and "agreement" not in raw:
        base["agreement"] = str((base_path.parent / base["agreement"]).resolve())
    if raw.get("agreement") and not base.get("agreement"):
        # switching to an agreement: its sectors replace the base's inline line sectors
        kept = [
            s for s in base.get("sectors") or [] if isinstance(s, dict) and s.get("kind") == "area"
        ]
        base["sectors"] = kept
    return _merge(base, raw)


def _merge(base: Any, over: Any) -> Any:
    """Deep-merge ``over`` onto ``base`` (named list items merge item by item).

    A Figure (a mapping with ``value``) is replaced whole, so no stale source
    or URL survives from the base.
    """
    if isinstance(base, dict) and isinstance(over, dict) and "value" not in over:
        merged = dict(base)
        for key, value in over.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(over, list) and _keyed(base) and _keyed(over):
        out = {_item_key(item): item for item in base}
        for item in over:
            key = _item_key(item)
            out[key] = _merge(out[key], item) if key in out else item
        return [
            {k: v for k, v in item.items() if k != "remove"}
            for item in out.values()
            if not item.get("remove")
        ]
    return over


def _keyed(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(i, dict) and _item_key(i) is not None for i in items)


def _item_key(item: dict[str, Any]) -> str | None:
    for key in _MERGE_KEYS:
        if key in item:
            return f"{key}={item[key]}"
    return None


def _with_agreement(raw: dict[str, Any], source: str, base_dir: Path) -> dict[str, Any]:
    """Take line sectors and buffer-zone areas from a truceline agreement file."""
    path = Path(raw["agreement"])
    path = path if path.is_absolute() else base_dir / path
    import shapely

    from truceline.geo import area_km2

    try:
        from truceline.agreement import load_agreement
    except ImportError as error:
        raise PlanInputError(
            f"{source}: agreement: cannot read {path}: truceline.agreement is unavailable ({error})"
        ) from None
    try:
        agreement = load_agreement(path)
    except AgreementError as error:
        raise PlanInputError(f"{source}: agreement: {error}") from None
    if agreement.sectors.empty:
        raise PlanInputError(f"{source}: agreement: {path} has no sectors")
    wanted = _buffer_zones(raw)
    zones = agreement.zones
    chosen = zones[
        [
            z in wanted or f"{z}:{s}" in wanted
            for z, s in zip(zones["zone"], zones["side"], strict=True)
        ]
    ]
    buffer = shapely.union_all(list(chosen.geometry)) if len(chosen) else None
    sectors = [
        {
            "id": str(row.sector_id),
            "name": str(row.name),
            "kind": "line",
            "length_km": float(row.length_km),
            **({"area_km2": round(area_km2(shapely.intersection(row.geometry, buffer)), 3)}
               if buffer is not None else {}),
        }
        for row in agreement.sectors.itertuples(index=False)
    ]  # fmt: skip
    raw["sectors"] = _sectors_with_agreement(sectors, raw.get("sectors") or [], source, path)
    areas: dict[str, float] = {}
    for zone, side, area in zip(zones["zone"], zones["side"], zones["area_km2"], strict=True):
        areas[str(zone)] = areas.get(str(zone), 0.0) + float(area)
        areas[f"{zone}:{side}"] = float(area)
    raw.setdefault("agreement_zones", areas)
    raw["agreement"] = str(path)
    return raw


def _sectors_with_agreement(
    line: list[dict[str, Any]], own: list[Any], source: str, path: Path
) -> list[dict[str, Any]]:
    """The agreement's line sectors, then the scenario's areas.

    A scenario entry with only ``id`` and ``priority``/``must_cover`` adjusts the
    agreement sector of that id; the scenario's own line sectors (for example
    inherited from an inline scenario) are ignored: the agreement defines the line.
    """
    by_id = {item["id"]: item for item in line}
    areas, ignored = [], []
    for item in own:
        if not isinstance(item, dict):
            areas.append(item)  # let validation name it
        elif set(item) <= _SECTOR_OVERRIDES and item.get("id") in by_id:
            by_id[item["id"]].update({k: v for k, v in item.items() if k != "id"})
        elif item.get("kind") == "area":
            areas.append(item)
        else:
            ignored.append(str(item.get("id")))
    if ignored:
        warnings.warn(
            f"{source}: sectors {', '.join(ignored)} ignored: the agreement {path.name} "
            "defines the line sectors (give only id and priority/must_cover to adjust one)",
            stacklevel=4,
        )
    return [*by_id.values(), *areas]


def _buffer_zones(raw: dict[str, Any]) -> list[str]:
    rule = (raw.get("requirements") or {}).get("buffer_zone")
    zones = rule.get("zones") if isinstance(rule, dict) else None
    return [str(z) for z in zones] if isinstance(zones, list) else ["buffer"]


def _explain(error: ValidationError, raw: dict[str, Any], source: str) -> str:
    lines = []
    for item in error.errors()[:_MAX_ERRORS]:
        field = _field_path(item["loc"], raw)
        message = item["msg"].removeprefix("Value error, ")
        value = item.get("input")
        shown = "" if isinstance(value, dict | list) or "(got" in message else f" (got {value!r})"
        lines.append(f"{source}: {field}: {message}{shown}" if field else f"{source}: {message}")
    extra = len(error.errors()) - _MAX_ERRORS
    if extra > 0:
        lines.append(f"... and {extra} more problem(s)")
    return "\n".join(lines)


def _field_path(loc: tuple[Any, ...], raw: Any) -> str:
    """``contributors[2] (Germany).pledges[0].where[1]`` from a pydantic location."""
    parts: list[str] = []
    node = raw
    for step in loc:
        if isinstance(step, int):
            label = f"[{step}]"
            item = node[step] if isinstance(node, list) and step < len(node) else None
            if isinstance(item, dict):
                name = item.get("name") or item.get("id")
                label += f" ({name})" if name else ""
            parts.append(label)
            node = item
        elif isinstance(step, str) and not step[:1].isupper() and "[" not in step:
            parts.append(("." if parts else "") + step)
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts)
