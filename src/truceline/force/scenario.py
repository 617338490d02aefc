"""The force-planning scenario: who pledges what, where, and what is required.

A scenario is plain data validated by pydantic. Every number may carry its
provenance (:class:`Figure`): the sentence it comes from, a URL, whether it is an
estimate, and the assumption behind it where the number is ours. A bare number
is accepted too (``army: 71000``), for users' own scenarios.

The caveat vocabulary is fixed (:data:`LOCATIONS`) and two rules are enforced
here, at validation time: ``from_home`` serves only enabler roles (ISR,
satellite monitoring) and ``at_sea`` only maritime roles. Everything else a
pledge says is a constraint of the optimisation (:mod:`truceline.force.model`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    model_validator,
)

__all__ = [
    "ABROAD",
    "DEFAULT_ROLES",
    "DOMAINS",
    "LOCATIONS",
    "BufferZone",
    "Contributor",
    "Explicit",
    "Facility",
    "Figure",
    "Pledge",
    "Requirements",
    "Role",
    "RoleTotal",
    "Scenario",
    "Sector",
    "Split",
]

#: Where a contingent may serve. ``ukraine`` is Ukrainian-held territory outside
#: the buffer zone; ``neighbour_nato`` a NATO country bordering Ukraine.
LOCATIONS = ("buffer_zone", "ukraine", "neighbour_nato", "at_sea", "from_home")
Location = Literal["buffer_zone", "ukraine", "neighbour_nato", "at_sea", "from_home"]
#: Locations that are deployments abroad, hence subject to the rotation rule.
ABROAD = frozenset({"buffer_zone", "ukraine", "neighbour_nato", "at_sea"})
DOMAINS = ("land", "logistics", "enablers", "air", "sea")
Domain = Literal["land", "logistics", "enablers", "air", "sea"]

_STRICT = ConfigDict(extra="forbid", frozen=True)


class Figure(BaseModel):
    """A number with its provenance."""

    model_config = _STRICT
    value: float
    source: str | None = None  # the sentence the number comes from
    url: str | None = None
    estimate: bool = False
    assumption: str | None = None  # why, where the number is ours rather than reported


def _to_figure(raw: Any) -> Any:
    if isinstance(raw, bool):
        return raw  # let pydantic refuse it
    if isinstance(raw, int | float):
        return {"value": raw}
    return raw


def _bounded(test: Callable[[float], bool], text: str) -> Callable[[Figure], Figure]:
    def check(figure: Figure) -> Figure:
        if not test(figure.value):
            raise ValueError(f"must be {text} (got {figure.value:g})")
        return figure

    return check


Fig = Annotated[Figure, BeforeValidator(_to_figure)]
Positive = Annotated[
    Figure, BeforeValidator(_to_figure), AfterValidator(_bounded(lambda v: v > 0, "> 0"))
]
NonNegative = Annotated[
    Figure, BeforeValidator(_to_figure), AfterValidator(_bounded(lambda v: v >= 0, ">= 0"))
]
Share = Annotated[
    Figure, BeforeValidator(_to_figure), AfterValidator(_bounded(lambda v: 0 < v <= 1, "in (0, 1]"))
]


class Role(BaseModel):
    """A job the force must do, the domain whose pledges can do it, and from where."""

    model_config = _STRICT
    name: str = Field(min_length=1)
    domain: Domain
    serve_from: list[Location] = Field(min_length=1)
    priority: float = Field(default=1.0, gt=0)  # weight of a troop of shortfall in this role
    description: str = ""

    @model_validator(mode="after")
    def _caveat_rules(self) -> Role:
        if "from_home" in self.serve_from and self.domain != "enablers":
            raise ValueError(
                f"role {self.name!r}: serve_from 'from_home' is only for enabler roles "
                f"(domain 'enablers'), not domain {self.domain!r}"
            )
        if "at_sea" in self.serve_from and self.domain != "sea":
            raise ValueError(
                f"role {self.name!r}: serve_from 'at_sea' is only for maritime roles "
                f"(domain 'sea'), not domain {self.domain!r}"
            )
        if self.domain == "sea" and set(self.serve_from) != {"at_sea"}:
            raise ValueError(f"role {self.name!r}: a maritime role is served 'at_sea' only")
        return self


DEFAULT_ROLES: tuple[Role, ...] = (
    Role(name="monitoring", domain="land", serve_from=["buffer_zone"],
         description="patrols and observation posts in the buffer zone"),
    Role(name="reassurance", domain="land", serve_from=["ukraine"],
         description="land forces at hubs and protective facilities away from the line"),
    Role(name="logistics", domain="logistics", serve_from=["ukraine", "neighbour_nato"],
         description="supply, movement and hub support"),
    Role(name="isr", domain="enablers", serve_from=["ukraine", "neighbour_nato", "from_home"],
         description="ISR, satellite monitoring, command and communications"),
    Role(name="air", domain="air", serve_from=["ukraine", "neighbour_nato"],
         description="air policing and air defence"),
    Role(name="maritime", domain="sea", serve_from=["at_sea"],
         description="Black Sea security and mine clearance"),
)  # fmt: skip


class Sector(BaseModel):
    """A place that carries requirements: a stretch of the line, or an area."""

    model_config = _STRICT
    id: str = Field(min_length=1)
    name: str = ""
    kind: Literal["line", "area"] = "line"
    length_km: Positive | None = None
    area_km2: NonNegative | None = None  # buffer-zone area inside the sector, if known
    priority: Positive = Figure(value=1.0)  # weight of a troop of shortfall here
    must_cover: float = Field(default=0.0, ge=0, le=1)  # share of the requirement that MUST be met

    @model_validator(mode="after")
    def _line_has_length(self) -> Sector:
        if self.kind == "line" and self.length_km is None:
            raise ValueError(f"sector {self.id!r}: a line sector needs length_km")
        return self


class Split(BaseModel):
    """A role's share of a requirement given as one total."""

    model_config = _STRICT
    role: str
    share: Share
    place: str = "line"  # "line" (spread by length over line sectors) or a sector id


class RoleTotal(BaseModel):
    """A role's requirement given directly in troops."""

    model_config = _STRICT
    role: str
    troops: NonNegative
    place: str = "line"


class Facility(BaseModel):
    """Hubs or protective facilities: a count times troops each."""

    model_config = _STRICT
    name: str
    role: str
    count: NonNegative
    troops_each: NonNegative
    place: str = "line"


class BufferZone(BaseModel):
    """Troops per km2 of buffer zone, by role."""

    model_config = _STRICT
    per_km2: dict[str, NonNegative]
    area_km2: Positive | None = None  # else from the agreement's zones, else the sectors
    zones: list[str] = Field(
        default_factory=lambda: ["buffer"]
    )  # agreement zone names (or zone:side)


class Explicit(BaseModel):
    """One requirement cell given directly."""

    model_config = _STRICT
    sector: str
    role: str
    troops: NonNegative


class Requirements(BaseModel):
    """What the force must do; every form given is added up."""

    model_config = _STRICT
    total: Positive | None = None
    split: list[Split] = Field(default_factory=list)
    per_km: dict[str, NonNegative] = Field(default_factory=dict)  # troops per km of line
    per_sector: dict[str, NonNegative] = Field(default_factory=dict)  # troops in each line sector
    buffer_zone: BufferZone | None = None
    facilities: list[Facility] = Field(default_factory=list)
    totals: list[RoleTotal] = Field(default_factory=list)
    explicit: list[Explicit] = Field(default_factory=list)

    @model_validator(mode="after")
    def _total_has_split(self) -> Requirements:
        if self.split and self.total is None:
            raise ValueError("requirements.split needs requirements.total")
        if self.total is not None:
            shares = sum(item.share.value for item in self.split)
            if abs(shares - 1.0) > 1e-6:
                raise ValueError(
                    f"requirements.split: shares must add up to 1 (they add up to {shares:g})"
                )
        return self

    def roles_used(self) -> list[tuple[str, str]]:
        """(field, role) for every role this block names."""
        found = [("split", s.role) for s in self.split]
        found += [("per_km", r) for r in self.per_km] + [("per_sector", r) for r in self.per_sector]
        found += [
            ("buffer_zone.per_km2", r)
            for r in (self.buffer_zone.per_km2 if self.buffer_zone else {})
        ]
        found += [("facilities", f.role) for f in self.facilities]
        found += [("totals", t.role) for t in self.totals] + [
            ("explicit", e.role) for e in self.explicit
        ]
        return found

    def places_used(self) -> list[tuple[str, str]]:
        """(field, sector id or 'line') for every place this block names."""
        found = [("split", s.place) for s in self.split] + [
            ("facilities", f.place) for f in self.facilities
        ]
        found += [("totals", t.place) for t in self.totals] + [
            ("explicit", e.sector) for e in self.explicit
        ]
        return found


class Pledge(BaseModel):
    """What one contributor offers in one domain, with its caveats."""

    model_config = _STRICT
    id: str | None = None  # defaults to the domain
    domain: Domain
    roles: list[str] | None = None  # default: every role of the domain
    where: list[Location] = Field(min_length=1)
    max_troops: Positive | None = None
    min_troops: NonNegative | None = None  # a firm commitment: deploy at least this many
    duration_months: Positive | None = None  # None: for as long as needed
    min_contingent: int | None = Field(default=None, ge=0)  # smallest contingent sent to one sector
    max_sectors: int | None = Field(
        default=None, ge=1
    )  # most sectors the pledge may be spread over
    service: Literal["army", "other"] | None = None  # pool it draws on; default by domain
    source: str | None = None
    url: str | None = None
    note: str | None = None

    @property
    def key(self) -> str:
        """The pledge's id within its contributor."""
        return self.id or self.domain

    @model_validator(mode="after")
    def _floor_below_cap(self) -> Pledge:
        if self.min_troops and self.max_troops and self.min_troops.value > self.max_troops.value:
            raise ValueError(
                f"pledge {self.key!r}: min_troops {self.min_troops.value:g} exceeds "
                f"max_troops {self.max_troops.value:g}"
            )
        return self


class Contributor(BaseModel):
    """A country: its full-time forces, what share it can sustain abroad, its pledges."""

    model_config = _STRICT
    name: str = Field(min_length=1)
    army: Positive
    other_services: NonNegative | None = None  # navy, air force, ...: pool for air/sea pledges
    sustainable_share_abroad: Share | None = None  # default: the scenario's
    pledges: list[Pledge] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _unique_pledges(self) -> Contributor:
        twice = [k for k, n in Counter(p.key for p in self.pledges).items() if n > 1]
        if twice:
            raise ValueError(
                f"contributor {self.name!r}: pledge id {twice[0]!r} is used twice "
                "(give each pledge of the same domain its own id)"
            )
        return self


class Scenario(BaseModel):
    """A complete planning problem."""

    model_config = _STRICT
    name: str = "scenario"
    description: str = ""
    horizon_months: Positive = Figure(value=12)
    rotation: Figure = Field(default=Figure(value=3.0))  # troops in the cycle per troop deployed
    duration_rule: Literal["strict", "prorate"] = "strict"
    sustainable_share_abroad: Share = Figure(value=0.2, assumption="library default")
    min_contingent: int = Field(
        default=100, ge=0
    )  # default smallest contingent per pledge and sector
    agreement: str | None = None  # a GeoPackage written by truceline.agreement
    agreement_zones: dict[str, float] = Field(default_factory=dict)  # zone (or zone:side) -> km2
    sectors: list[Sector] = Field(min_length=1)
    roles: list[Role] = Field(default_factory=lambda: list(DEFAULT_ROLES))
    requirements: Requirements
    contributors: list[Contributor] = Field(default_factory=list)
    _source: str = PrivateAttr(default="<scenario>")

    @property
    def source(self) -> str:
        """Where the scenario was read from (for messages)."""
        return self._source

    @model_validator(mode="before")
    @classmethod
    def _rotation_figure(cls, data: Any) -> Any:
        if isinstance(data, dict) and "rotation" in data:
            data = dict(data)
            data["rotation"] = _to_figure(data["rotation"])
        return data

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        if self.rotation.value < 1:
            raise ValueError(f"rotation: must be >= 1 (got {self.rotation.value:g})")
        for label, names in (
            ("sectors", [s.id for s in self.sectors]),
            ("roles", [r.name for r in self.roles]),
            ("contributors", [c.name for c in self.contributors]),
        ):
            twice = [k for k, n in Counter(names).items() if n > 1]
            if twice:
                raise ValueError(f"{label}: {twice[0]!r} appears twice")
        roles = {r.name: r for r in self.roles}
        sector_ids = {s.id for s in self.sectors}
        for field, role in self.requirements.roles_used():
            if role not in roles:
                raise ValueError(
                    f"requirements.{field}: unknown role {role!r} (known: {sorted(roles)})"
                )
        for field, place in self.requirements.places_used():
            if place != "line" and place not in sector_ids:
                raise ValueError(
                    f"requirements.{field}: unknown place {place!r} (use 'line' or a sector id)"
                )
        for i, contributor in enumerate(self.contributors):
            for j, pledge in enumerate(contributor.pledges):
                _check_pledge(f"contributors[{i}] ({contributor.name}).pledges[{j}]", pledge, roles)
        return self

    def role(self, name: str) -> Role:
        """The role called ``name``."""
        return next(r for r in self.roles if r.name == name)

    def pledge_roles(self, pledge: Pledge) -> list[str]:
        """The roles a pledge may fill (its own list, else every role of its domain)."""
        if pledge.roles is not None:
            return list(pledge.roles)
        return [r.name for r in self.roles if r.domain == pledge.domain]

    def share_of(self, contributor: Contributor) -> float:
        """The share of its forces a contributor can sustain abroad."""
        figure = contributor.sustainable_share_abroad or self.sustainable_share_abroad
        return figure.value


def _check_pledge(where: str, pledge: Pledge, roles: dict[str, Role]) -> None:
    names = (
        pledge.roles
        if pledge.roles is not None
        else [r.name for r in roles.values() if r.domain == pledge.domain]
    )
    for name in names:
        if name not in roles:
            raise ValueError(f"{where}.roles: unknown role {name!r} (known: {sorted(roles)})")
        if roles[name].domain != pledge.domain:
            raise ValueError(
                f"{where}.roles: role {name!r} belongs to domain {roles[name].domain!r}, "
                f"not the pledge's domain {pledge.domain!r}"
            )
    usable = {loc for name in names for loc in roles[name].serve_from}
    for special, rule in (("from_home", "enabler roles"), ("at_sea", "maritime roles")):
        if special in pledge.where and special not in usable:
            raise ValueError(
                f"{where}.where: {special!r} is only for {rule}; this {pledge.domain} pledge's "
                f"roles {names} cannot be served from there"
            )
