"""Evidence levels: how strong a study design an article reports, from its publication types.

PubMed's publication types say what kind of study an article is; the usual
hierarchy of evidence orders them. Records without publication types (common in
older or partial records) fall back to the study-design MeSH headings indexers
assign ("Cohort Studies", "Randomized Controlled Trials as Topic" is *not* one:
"as Topic" headings describe what an article is about, not what it is).

The level is a reading aid and an optional ranking preference, never a filter
on its own: a well-run cohort study can answer a question no trial addresses.
"""

from __future__ import annotations

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
    EvidenceLevel("other", "Other", 6, 1.0),
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


def boost(label: str) -> float:
    """Score multiplier of a level when the user prefers strong designs (1.0 for unknown labels)."""
    return BY_LABEL.get(label, OTHER).boost


def badge(label: str, retracted: bool = False) -> str:
    """Short tag for a result list; a retraction always shows, whatever the design."""
    short = BY_LABEL.get(label, OTHER).badge
    return f"{RETRACTED_BADGE} · {short}" if retracted else short
