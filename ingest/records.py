"""Typed records passed between the extraction stages and into the stores.

The JSON form of `ReportRecord` (`ReportRecord.to_output()`) is the schema of
`../shared/gold/README.md`, with each measure given as
`{"name", "surface", "roles", "evidence"}`, plus provenance fields (character offsets into the
original text) that the gold schema does not have.

Offsets are always into the *original* decoded text of the file (`Document.text`), never into a
normalised copy.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["achievements", "problems", "plans", "targets", "other"]
ROLES: tuple[str, ...] = ("achievements", "problems", "plans", "targets", "other")
Kind = Literal["annual_report", "implementation_plan", "work_points", "other"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Document(_Record):
    """A decoded report file.

    Attributes:
        doc: the file name (the report's identity in the graph).
        source: the path it was read from.
        text: the decoded body text, debris removed; all offsets point into this text.
        encoding: the encoding detected ("utf-8", "gb18030", "utf-16", or the format's own).
        content_hash: sha256 of `text`, to tell a changed version from an unchanged one.
    """

    doc: str
    source: str
    text: str
    encoding: str = "utf-8"
    content_hash: str = ""


class Evidence(_Record):
    """Where a fact was read: the sentence and the span of the fact inside the original text.

    Attributes:
        sentence: the sentence text as it stands in the original.
        start, end: character offsets of the matched span (not the sentence) in the original text.
        sentence_id: index of the sentence in the document.
        section: index of the top-level section it lies in (None: before the first heading).
        role: that section's role.
    """

    sentence: str
    start: int
    end: int
    sentence_id: int = 0
    section: int | None = None
    role: Role = "other"


class Jurisdiction(_Record):
    """A region resolved to the administrative hierarchy."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    adcode: str | None = None

    @property
    def level(self) -> str | None:
        if self.county:
            return "county"
        if self.city:
            return "city"
        if self.province:
            return "province"
        return None

    @property
    def name(self) -> str | None:
        return self.county or self.city or self.province


class Section(_Record):
    """A top-level section (一、二、三…) and its role.

    Attributes:
        heading: the heading line as written.
        role: achievements, problems, plans, targets or other.
        ordinal: 0-based position among the top-level sections.
        start, end: character span of the whole section in the original text.
        subsections: headings one level down ((一) / 1. / 一是), as written.
    """

    heading: str
    role: Role
    ordinal: int
    start: int
    end: int
    subsections: list[str] = Field(default_factory=list)


class MeasureMention(_Record):
    """A taxonomy measure (or a candidate outside it) found in a document.

    Attributes:
        id: taxonomy id (M50) or None for a measure outside the taxonomy.
        name: canonical name.
        domain: taxonomy domain ("D4 行政执法").
        surface: distinct surface forms matched, as written.
        roles: the roles of the sections it appears in.
        evidence: the sentences it appears in (first few), as written.
        mentions: every occurrence, with offsets.
    """

    id: str | None
    name: str
    domain: str | None = None
    surface: list[str] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    mentions: list[Evidence] = Field(default_factory=list)


class Initiative(_Record):
    """A locally branded initiative (“塞上枫桥”), linked to a measure where evident."""

    name: str
    measure: str | None = None
    evidence: str = ""
    where: Evidence | None = None


class Outcome(_Record):
    """A number that quantifies work done, a result or a target.

    Attributes:
        indicator: what is measured, named from the surrounding words (行政机关负责人出庭应诉率).
        value: normalised value (1.5万 → 15000).
        unit: "%", "元", "件", "pp" (percentage points) …
        kind: rate, count, money or change.
        approx: 余/多/近/约/以上 and the like.
        is_target: a goal rather than a result.
        direction: for changes: "up" or "down".
        baseline: for "由48项扩大到70项": 48.
        measure: the taxonomy id the number quantifies, where evident.
        evidence: the clause the number stands in, as written.
        where: provenance of the number itself.
    """

    indicator: str
    value: float
    unit: str
    kind: Literal["rate", "count", "money", "change"]
    approx: bool = False
    is_target: bool = False
    direction: Literal["up", "down"] | None = None
    baseline: float | None = None
    measure: str | None = None
    evidence: str = ""
    where: Evidence | None = None


class AgencyLink(_Record):
    """An agency named in the document, with the part it plays.

    role: issuer, lead (牵头单位), responsible (责任单位), support (配合单位) or actor.
    measures: taxonomy ids of the measures it leads or carries out, where evident.
    """

    name: str
    role: Literal["issuer", "lead", "responsible", "support", "actor"] = "actor"
    measures: list[str] = Field(default_factory=list)
    where: Evidence | None = None


class Problem(_Record):
    """A weakness the report admits (from a problems section), with the measures it concerns."""

    text: str
    measures: list[str] = Field(default_factory=list)
    where: Evidence | None = None


class ReportRecord(_Record):
    """Everything read out of one report."""

    doc: str
    source: str = ""
    content_hash: str = ""
    encoding: str = "utf-8"
    text_length: int = 0
    title: str | None = None
    kind: Kind = "other"
    jurisdiction: Jurisdiction = Field(default_factory=Jurisdiction)
    issuer: str | None = None
    issuer_type: Literal["government", "department", "party_office", "other"] | None = None
    year: int | None = None
    published: str | None = None
    doc_number: str | None = None
    synthetic: bool = False
    sections: list[Section] = Field(default_factory=list)
    measures: list[MeasureMention] = Field(default_factory=list)
    initiatives: list[Initiative] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)
    agencies: list[str] = Field(default_factory=list)
    agency_links: list[AgencyLink] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def to_output(self) -> dict:
        """The JSON form printed by `govkg extract` (gold schema plus provenance)."""
        return self.model_dump(mode="json")
