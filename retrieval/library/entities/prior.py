"""What the annotated abstracts say about a chemical and a disease before this abstract is read.

Document-level CID systems lean on prior knowledge of which drugs cause which conditions; with no
curated database here, the prior is counted from the annotated training abstracts: how often a
pair was annotated as chemical-induced, and how often each concept, where an abstract names it,
takes part in some induced-disease relation at all (a drug named in many abstracts as the cause of
something is a likelier cause here too). Counting an abstract's own annotations into the features
it is trained on would teach the classifier to trust a prior that, on a new abstract, is far weaker,
so training rows see the counts with their own abstract left out.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

Pair = tuple[str, str]

PRIOR_FEATURES = ["pair_known_log", "pair_rate", "chem_cause_rate", "dis_caused_rate", "chem_seen", "dis_seen"]


@dataclass(frozen=True)
class Annotated:
    """One abstract's gold concepts and relations, as the prior counts them."""

    chemicals: frozenset[str]
    diseases: frozenset[str]
    relations: frozenset[Pair]


@dataclass
class Prior:
    chem_docs: Counter = field(default_factory=Counter)  # abstracts naming the chemical
    chem_cause: Counter = field(default_factory=Counter)  # ... and relating it to some disease
    dis_docs: Counter = field(default_factory=Counter)
    dis_caused: Counter = field(default_factory=Counter)
    pair_docs: Counter = field(default_factory=Counter)  # abstracts naming both (only for related pairs)
    pair_cause: Counter = field(default_factory=Counter)  # abstracts relating them

    @classmethod
    def count(cls, docs: Iterable[Annotated]) -> Prior:
        prior = cls()
        docs = list(docs)
        for d in docs:
            prior.chem_docs.update(d.chemicals)
            prior.dis_docs.update(d.diseases)
            prior.chem_cause.update({c for c, _ in d.relations})
            prior.dis_caused.update({x for _, x in d.relations})
            prior.pair_cause.update(d.relations)
        related = set(prior.pair_cause)
        for d in docs:  # co-occurrence is only kept for pairs some abstract relates: all others have rate 0
            prior.pair_docs.update(p for p in related if p[0] in d.chemicals and p[1] in d.diseases)
        return prior

    def features(self, chem: str, dis: str, own: Annotated | None = None) -> list[float]:
        """The prior features of a pair; ``own``: the abstract being trained on, left out of the counts."""
        pair = (chem, dis)

        def minus(counter: Counter, key, inside: bool) -> int:
            return counter.get(key, 0) - (1 if own is not None and inside else 0)

        in_c = own is not None and chem in own.chemicals
        in_d = own is not None and dis in own.diseases
        rel = own is not None and pair in own.relations
        chem_rel = own is not None and any(c == chem for c, _ in own.relations)
        dis_rel = own is not None and any(x == dis for _, x in own.relations)
        pair_cause = minus(self.pair_cause, pair, rel)
        pair_docs = minus(self.pair_docs, pair, in_c and in_d and pair in self.pair_cause)
        chem_docs, dis_docs = minus(self.chem_docs, chem, in_c), minus(self.dis_docs, dis, in_d)
        return [
            math.log1p(max(pair_cause, 0)),
            pair_cause / pair_docs if pair_docs > 0 and pair_cause > 0 else 0.0,
            minus(self.chem_cause, chem, chem_rel) / chem_docs if chem_docs > 0 else 0.0,
            minus(self.dis_caused, dis, dis_rel) / dis_docs if dis_docs > 0 else 0.0,
            float(chem_docs > 0),
            float(dis_docs > 0),
        ]

    def to_dict(self) -> dict:
        return {
            "chemicals": {c: [n, self.chem_cause.get(c, 0)] for c, n in sorted(self.chem_docs.items())},
            "diseases": {d: [n, self.dis_caused.get(d, 0)] for d, n in sorted(self.dis_docs.items())},
            "pairs": {f"{c}|{d}": [self.pair_docs[c, d], n] for (c, d), n in sorted(self.pair_cause.items())},
        }

    @classmethod
    def from_dict(cls, data: dict) -> Prior:
        prior = cls()
        for c, (n, k) in data["chemicals"].items():
            prior.chem_docs[c], prior.chem_cause[c] = n, k
        for d, (n, k) in data["diseases"].items():
            prior.dis_docs[d], prior.dis_caused[d] = n, k
        for key, (n, k) in data["pairs"].items():
            c, _, d = key.partition("|")
            prior.pair_docs[c, d], prior.pair_cause[c, d] = n, k
        return prior
