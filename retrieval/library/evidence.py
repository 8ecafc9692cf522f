"""Evidence levels: how strong a study design an article reports, from its publication types.

PubMed's publication types say what kind of study an article is; the usual
hierarchy of evidence orders them. Records without publication types (common in
older or partial records) fall back to the study-design MeSH headings indexers
assign ("Cohort Studies", "Randomized Controlled Trials as Topic" is *not* one:
"as Topic" headings describe what an article is about, not what it is).

Where neither decides (the shared corpus has no publication types at all), the
design is inferred from the title and abstract ("systematic review",
"Cochrane", "randomised", "case report", "cohort"...) and marked as inferred;
``bench/design_inference.py`` measures how often that agrees with the
publication types of records that have them. An article nothing decides is
"design not recorded", not "other": its design is unknown.

The level is a reading aid and an optional ranking preference, never a filter
on its own: a well-run cohort study can answer a question no trial addresses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class EvidenceLevel:
    label: str  # what the UI and the JSON show
    badge: str  # short tag for lists
    rank: int  # 0 = strongest design
    # Multiplier of the fused score when a user prefers strong designs. Multiplying (not adding) keeps an
    # article that barely matches low, whatever its design: fused scores of on-topic articles are several
    # times those of off-topic ones, so up to 30% reorders the relevant articles and leaves the rest out.
    boost: float


LEVELS: tuple[EvidenceLevel, ...] = (
    EvidenceLevel("systematic review / meta-analysis", "SR/MA", 0, 1.30),
    EvidenceLevel("randomized controlled trial", "RCT", 1, 1.25),
    EvidenceLevel("other clinical trial", "Trial", 2, 1.15),
    EvidenceLevel("observational", "Obs", 3, 1.05),
    EvidenceLevel("case report", "Case", 4, 1.0),
    EvidenceLevel("review", "Review", 5, 1.0),
    EvidenceLevel("design not recorded", "Not recorded", 6, 1.0),
)
BY_LABEL = {level.label: level for level in LEVELS}
OTHER = LEVELS[-1]
RETRACTED_BADGE = "RETRACTED"

_SR, _RCT, _TRIAL, _OBS, _CASE, _REVIEW = (level.label for level in LEVELS[:6])

# Publication types (lower-cased) -> level.
_PUBLICATION_TYPES = {
    "systematic review": _SR,
    "meta-analysis": _SR,
    "network meta-analysis": _SR,
    "randomized controlled trial": _RCT,
    "randomized controlled trial, veterinary": _RCT,
    "pragmatic clinical trial": _RCT,
    "equivalence trial": _RCT,
    "clinical trial": _TRIAL,
    "clinical trial, phase i": _TRIAL,
    "clinical trial, phase ii": _TRIAL,
    "clinical trial, phase iii": _TRIAL,
    "clinical trial, phase iv": _TRIAL,
    "controlled clinical trial": _TRIAL,
    "adaptive clinical trial": _TRIAL,
    "clinical trial, veterinary": _TRIAL,
    "clinical study": _TRIAL,
    "observational study": _OBS,
    "observational study, veterinary": _OBS,
    "comparative study": _OBS,
    "multicenter study": _OBS,
    "twin study": _OBS,
    "validation study": _OBS,
    "evaluation study": _OBS,
    "case reports": _CASE,
    "review": _REVIEW,
    "scoping review": _REVIEW,
    "systematic review protocol": _REVIEW,
}

# Study-design MeSH descriptors (lower-cased) -> level, used only when no publication type decides.
_DESIGN_MESH = {
    "cohort studies": _OBS,
    "prospective studies": _OBS,
    "retrospective studies": _OBS,
    "longitudinal studies": _OBS,
    "follow-up studies": _OBS,
    "case-control studies": _OBS,
    "cross-sectional studies": _OBS,
    "cross-over studies": _TRIAL,
    "double-blind method": _TRIAL,
    "single-blind method": _TRIAL,
    "random allocation": _RCT,
}


def level_for(publication_types: Iterable[str], mesh_descriptors: Iterable[str] = ()) -> EvidenceLevel:
    """The strongest design any publication type (or, failing that, design MeSH heading) reports."""
    found = {_PUBLICATION_TYPES.get(t.strip().lower()) for t in publication_types} - {None}
    if not found or found <= {_OBS}:
        found |= {_DESIGN_MESH.get(d.strip().lower()) for d in mesh_descriptors} - {None}
    if not found:
        return OTHER
    return min((BY_LABEL[label] for label in found), key=lambda level: level.rank)


# Words of a title or abstract that name a design, strongest first; used only when types and MeSH say nothing.
_TEXT_DESIGNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern, re.IGNORECASE))
    for label, pattern in (
        (_SR, r"\bsystematic(ally)? review|\bmeta-?analys[ie]s|\bmeta-?analytic|\bcochrane\b|\bpooled analysis\b"),
        (_RCT, r"\brandomi[sz]ed\b|\brandomly (assigned|allocated)\b|\bplacebo-controlled\b"),
        (_TRIAL, r"\bclinical trial\b|\bphase (i{1,3}|iv|[1-4])\b|\bopen-label\b|\bsingle-arm\b"),
        (
            _OBS,
            r"\bcohort\b|\bcase-control\b|\bcross-sectional\b|\b(prospective|retrospective|observational|"
            r"population-based|longitudinal) (study|studies|analysis|review of)\b|\bregistry\b",
        ),
        (
            _CASE,
            r"\bcase reports?\b|\bwe (report|describe|present) (a|an|the|two|three) (case|patient)|"
            r"\b(a|an) \d+-year-old\b",
        ),
        (_REVIEW, r"\b(narrative|literature|scoping) review\b|\breview of the literature\b|\bwe review\b"),
    )
)


def infer_from_text(title: str, abstract: str = "") -> EvidenceLevel | None:
    """The design a title (first) or abstract names, or None; weaker than publication types, so marked inferred."""
    for text in (title, abstract):
        for label, pattern in _TEXT_DESIGNS:
            if pattern.search(text or ""):
                return BY_LABEL[label]
    return None


def design_for(
    publication_types: Iterable[str], mesh_descriptors: Iterable[str] = (), title: str = "", abstract: str = ""
) -> tuple[EvidenceLevel, bool]:
    """The level and whether it was inferred from the text (types and MeSH decided nothing)."""
    level = level_for(publication_types, mesh_descriptors)
    if level is OTHER and (inferred := infer_from_text(title, abstract)) is not None:
        return inferred, True
    return level, False


INFERRED_SUFFIX = " (inferred)"


def article_design(article) -> tuple[EvidenceLevel, bool]:
    """``design_for`` an Article: its types, MeSH headings, title and abstract."""
    abstract = " ".join(section.text for section in article.abstract)
    return design_for(article.publication_types, [m.descriptor for m in article.mesh], article.title, abstract)


def boost(label: str) -> float:
    """Score multiplier of a level when the user prefers strong designs (1.0 for unknown labels)."""
    return BY_LABEL.get(label, OTHER).boost


def badge(label: str, retracted: bool = False, inferred: bool = False) -> str:
    """Short tag for a result list; a retraction always shows, whatever the design."""
    short = BY_LABEL.get(label, OTHER).badge + (INFERRED_SUFFIX if inferred else "")
    return f"{RETRACTED_BADGE} · {short}" if retracted else short
