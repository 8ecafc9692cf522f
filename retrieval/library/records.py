"""The article record: what MedLit keeps of a PubMed citation.

Every input format (PubMed XML, MEDLINE text, E-utilities) is parsed into an
``Article``; the store, the index, the answers and the exports read only this
shape, so a new format never touches retrieval code.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields

RETRACTION_TYPES = {"Retracted Publication", "Retraction of Publication"}


@dataclass(frozen=True)
class AbstractSection:
    """One ``AbstractText`` element: a labelled part of a structured abstract (label may be empty)."""

    text: str
    label: str = ""
    category: str = ""  # NLM category: BACKGROUND, OBJECTIVE, METHODS, RESULTS, CONCLUSIONS, UNASSIGNED


@dataclass(frozen=True)
class MeshHeading:
    descriptor: str
    major: bool = False
    qualifiers: tuple[str, ...] = ()
    ui: str = ""


@dataclass(frozen=True)
class CommentCorrection:
    """A CommentsCorrections link, e.g. ``RetractionIn`` or ``ErratumIn`` pointing at another citation."""

    ref_type: str
    pmid: str = ""
    source: str = ""


@dataclass
class Article:
    """A PubMed citation with the fields users filter and cite by."""

    pmid: str
    title: str = ""
    abstract: list[AbstractSection] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    journal: str = ""
    journal_abbrev: str = ""
    year: int | None = None
    pub_date: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmcid: str = ""
    publication_types: list[str] = field(default_factory=list)
    mesh: list[MeshHeading] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    chemicals: list[str] = field(default_factory=list)
    language: str = ""
    comments_corrections: list[CommentCorrection] = field(default_factory=list)
    is_book: bool = False
    version: int = 1
    date_revised: str = ""  # YYYY-MM-DD; decides which of two copies of a PMID is newer

    @property
    def abstract_text(self) -> str:
        return " ".join(s.text for s in self.abstract if s.text).strip()

    @property
    def has_abstract(self) -> bool:
        return bool(self.abstract_text)

    @property
    def is_retracted(self) -> bool:
        return bool(RETRACTION_TYPES & set(self.publication_types)) or any(
            c.ref_type == "RetractionIn" for c in self.comments_corrections
        )

    @property
    def errata(self) -> list[CommentCorrection]:
        return [c for c in self.comments_corrections if c.ref_type == "ErratumIn"]

    @property
    def retractions(self) -> list[CommentCorrection]:
        return [c for c in self.comments_corrections if c.ref_type == "RetractionIn"]

    def to_json(self) -> str:
        return json.dumps(plain(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Article:
        data = json.loads(text)
        data["abstract"] = [AbstractSection(**s) for s in data.get("abstract", [])]
        data["mesh"] = [
            MeshHeading(**{**m, "qualifiers": tuple(m.get("qualifiers", ()))}) for m in data.get("mesh", [])
        ]
        data["comments_corrections"] = [CommentCorrection(**c) for c in data.get("comments_corrections", [])]
        return cls(**data)

    def content_hash(self) -> str:
        """Hash of the record's content: an unchanged record is neither rewritten nor re-embedded."""
        return json_hash(self.to_json())


def json_hash(record_json: str) -> str:
    """``Article.content_hash`` of the record whose ``to_json`` this is (the store serialises a record once)."""
    return hashlib.sha1(record_json.encode("utf-8")).hexdigest()


def plain(value: object) -> object:
    """A record as JSON-ready dicts and lists: what ``dataclasses.asdict`` gives for JSON, without its deep copies.

    The JSON is the same, byte for byte (keys are sorted; tuples and lists are both arrays), so stored
    content hashes still match; a record is serialised at 3 to 4 times the speed, which is most of
    the Python time of putting a million records into the store.
    """
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}  # type: ignore[arg-type]
    return value
