"""Scenario YAML: validation errors name the file and the field; variants; shipped files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from test_force_support import contributor, pledge, tiny
from truceline.errors import PlanInputError
from truceline.force import (
    default_scenario_path,
    load_scenario,
    load_scenarios,
    scenario_from_dict,
    shipped_scenarios,
)
from truceline.force.scenario import Figure


def _write(tmp_path: Path, raw: dict[str, Any], name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def _error(tmp_path: Path, raw: dict[str, Any]) -> str:
    path = _write(tmp_path, raw)
    with pytest.raises(PlanInputError) as info:
        load_scenario(path)
    assert str(path) in str(info.value)
    return str(info.value)


def test_bad_number_names_file_contributor_and_field(tmp_path: Path) -> None:
    raw = tiny(contributors=[contributor("X", 1000, 0.2), contributor("Germany", -5, 0.2)])
    message = _error(tmp_path, raw)
    assert "contributors[1] (Germany).army" in message
    assert "must be > 0 (got -5)" in message


def test_unknown_location_names_the_list_item(tmp_path: Path) -> None:
    raw = tiny(contributors=[contributor("X", 1000, 0.2, pledge(where=["ukraine", "moon"]))])
    message = _error(tmp_path, raw)
    assert "contributors[0] (X).pledges[0].where[1]" in message
    assert "'moon'" in message


@pytest.mark.parametrize(
    ("domain", "where", "text"),
    [
        ("land", ["from_home"], "'from_home' is only for enabler roles"),
        ("logistics", ["from_home"], "'from_home' is only for enabler roles"),
        ("land", ["at_sea"], "'at_sea' is only for maritime roles"),
        ("air", ["ukraine", "at_sea"], "'at_sea' is only for maritime roles"),
    ],
)
def test_caveat_rules_refuse_contradictions(
    tmp_path: Path, domain: str, where: list[str], text: str
) -> None:
    raw = tiny(contributors=[contributor("UK", 1000, 0.2, pledge(domain, where))])
    message = _error(tmp_path, raw)
    assert text in message
    assert "contributors[0] (UK).pledges[0].where" in message


def test_role_definitions_obey_the_same_rules(tmp_path: Path) -> None:
    roles = [{"name": "patrol", "domain": "land", "serve_from": ["from_home"]}]
    message = _error(tmp_path, tiny(roles=roles, requirements={"per_sector": {"patrol": 10}}))
    assert "roles[0] (patrol)" in message and "only for enabler roles" in message


def test_unknown_role_and_place_in_requirements(tmp_path: Path) -> None:
    message = _error(tmp_path, tiny(requirements={"per_km": {"peacekeeping": 3}}))
    assert "requirements.per_km: unknown role 'peacekeeping'" in message
    message = _error(
        tmp_path,
        tiny(requirements={"totals": [{"role": "air", "troops": 10, "place": "SKY"}]}),
    )
    assert "requirements.totals: unknown place 'SKY'" in message


def test_split_must_add_up_to_one(tmp_path: Path) -> None:
    split = [{"role": "reassurance", "share": 0.5}, {"role": "isr", "share": 0.3}]
    message = _error(tmp_path, tiny(requirements={"total": 1000, "split": split}))
    assert "shares must add up to 1 (they add up to 0.8)" in message


def test_floor_above_cap_and_duplicate_ids(tmp_path: Path) -> None:
    bad = pledge(max_troops=100, min_troops=500)
    message = _error(tmp_path, tiny(contributors=[contributor("X", 1000, 0.2, bad)]))
    assert "min_troops 500 exceeds max_troops 100" in message
    twice = [pledge(), pledge()]
    message = _error(tmp_path, tiny(contributors=[contributor("X", 1000, 0.2, *twice)]))
    assert "pledge id 'land' is used twice" in message
    sectors = [{"id": "A", "length_km": 10}, {"id": "A", "length_km": 20}]
    assert "sectors: 'A' appears twice" in _error(tmp_path, tiny(sectors=sectors))


def test_share_and_line_length_checks(tmp_path: Path) -> None:
    message = _error(tmp_path, tiny(contributors=[contributor("X", 1000, 1.5)]))
    assert "contributors[0] (X).sustainable_share_abroad: must be in (0, 1] (got 1.5)" in message
    message = _error(tmp_path, tiny(sectors=[{"id": "A"}]))
    assert "sector 'A': a line sector needs length_km" in message


def test_unknown_field_is_refused(tmp_path: Path) -> None:
    raw = tiny(contributors=[contributor("X", 1000, 0.2, pledge(max_trops=5))])
    assert "contributors[0] (X).pledges[0].max_trops" in _error(tmp_path, raw)


def test_yaml_syntax_error_gives_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nsectors: [\n  {id: A\n", encoding="utf-8")
    with pytest.raises(PlanInputError, match=r"broken.yaml: line \d+, column \d+: not valid YAML"):
        load_scenario(path)


def test_missing_empty_and_non_mapping_files(tmp_path: Path) -> None:
    with pytest.raises(PlanInputError, match="no such scenario file"):
        load_scenario(tmp_path / "nope.yaml")
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    with pytest.raises(PlanInputError, match="must be a YAML mapping .this one is empty"):
        load_scenario(tmp_path / "empty.yaml")
    (tmp_path / "list.yaml").write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(PlanInputError, match="this one is a list"):
        load_scenario(tmp_path / "list.yaml")


def test_extends_merges_named_items(tmp_path: Path) -> None:
    base = tiny(contributors=[contributor("X", 9000, 0.5, pledge(max_troops=2000))])
    _write(tmp_path, base, "base.yaml")
    variant = {
        "extends": "base.yaml",
        "name": "variant",
        "contributors": [
            {"name": "X", "pledges": [{"domain": "land", "where": ["ukraine", "buffer_zone"]}]},
            contributor("Y", 100, 0.1, pledge()),
        ],
    }
    loaded = load_scenario(_write(tmp_path, variant, "variant.yaml"))
    assert loaded.name == "variant"
    x = loaded.contributors[0]
    assert x.army.value == 9000 and x.pledges[0].max_troops is not None
    assert x.pledges[0].where == ["ukraine", "buffer_zone"]
    assert [c.name for c in loaded.contributors] == ["X", "Y"]
    removed = {"extends": "base.yaml", "contributors": [{"name": "X", "remove": True}]}
    assert load_scenario(_write(tmp_path, removed, "removed.yaml")).contributors == []


def test_extends_cycle_and_unknown_parent(tmp_path: Path) -> None:
    _write(tmp_path, {"extends": "b.yaml"}, "a.yaml")
    _write(tmp_path, {"extends": "a.yaml"}, "b.yaml")
    with pytest.raises(PlanInputError, match="extends: a cycle"):
        load_scenario(tmp_path / "a.yaml")
    with pytest.raises(PlanInputError, match="'ghost.yaml' is neither a file next to it"):
        load_scenario(_write(tmp_path, {"extends": "ghost.yaml"}, "c.yaml"))


def test_variant_replaces_a_figure_whole() -> None:
    high = load_scenario(shipped_scenarios()["paris-2026-100k"])
    total = high.requirements.total
    assert total is not None and total.value == 100_000
    assert total.url is None  # the base's URL did not leak into the new figure
    assert len(high.contributors) == len(load_scenario(default_scenario_path()).contributors)


def test_comparison_file_lists_four_shipped_variants() -> None:
    scenarios = load_scenarios(shipped_scenarios()["paris-2026-comparison"])
    assert [s.requirements.total.value for s in scenarios if s.requirements.total] == [
        50_000,
        100_000,
        50_000,
        50_000,
    ]
    assert [s.rotation.value for s in scenarios] == [3, 3, 3, 4]
    germany = next(c for c in scenarios[2].contributors if c.name == "Germany")
    assert "ukraine" in germany.pledges[0].where
    with pytest.raises(PlanInputError, match="is a comparison file"):
        load_scenario(shipped_scenarios()["paris-2026-comparison"])


def _figures(node: Any, path: str = "") -> list[tuple[str, Figure]]:
    if isinstance(node, Figure):
        return [(path, node)]
    if isinstance(node, BaseModel | list | tuple):
        items = (
            enumerate(node)
            if isinstance(node, list | tuple)
            else ((k, getattr(node, k)) for k in type(node).model_fields)
        )
        return [f for key, value in items for f in _figures(value, f"{path}.{key}")]
    if isinstance(node, dict):
        return [f for key, value in node.items() for f in _figures(value, f"{path}.{key}")]
    return []


def test_every_shipped_number_carries_its_source_or_assumption() -> None:
    scenario = load_scenario(default_scenario_path())
    # sector priorities are the scenario's stated choice, explained in the comment beside them
    figures = [(p, f) for p, f in _figures(scenario) if not p.endswith(".priority")]
    assert len(figures) > 60
    bare = [p for p, f in figures if not (f.source or f.assumption)]
    assert bare == []
    # every pledge states a cap, and every army size is flagged an estimate
    assert all(p.max_troops is not None for c in scenario.contributors for p in c.pledges)
    assert all(c.army.estimate for c in scenario.contributors)


def test_scenario_from_dict_names_its_source() -> None:
    with pytest.raises(PlanInputError, match=r"^memory: contributors\[0\] \(X\)\.army"):
        scenario_from_dict(tiny(contributors=[contributor("X", 0, 0.2)]), source="memory")
