"""Grouping mentions into concepts: "acetaminophen", "paracetamol" and "APAP" are one drug.

A concept is a MeSH (or, for some diseases, OMIM) identifier where the annotated corpora tie the
mention's name to one, or where MeSH itself lists the name (``mesh.py``), else ``name:`` and the
normalised name. Within one abstract an
abbreviation defined in brackets ("acetaminophen (APAP)") takes the concept of its long form,
and repeats of a name take the concept it got first.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from retrieval.library.entities.nearest import NearestName

NO_NEAREST = 2.0  # a cosine never reaches it: no nearest-name look-up
_NON_WORD = re.compile(r"[^0-9a-z]+")
# British spellings ("anaemia", "haemorrhage", "oedema", "oestrogen") key as the American ones
_DIGRAPH = re.compile(r"(?<=[a-z])ae|oe(?=[a-z])|^ae|^oe")
# A chemical's salt or form adds nothing to its concept in the corpora ("vincristine sulfate")
_SALT = re.compile(
    r" (sulfate|sulphate|hydrochloride|hcl|sodium|potassium|calcium|maleate|citrate|acetate|phosphate|"
    r"mesylate|tartrate|bromide|chloride|succinate|fumarate|besylate|dipropionate|hydrobromide|"
    r"monohydrate|dihydrate|tablet|injection|therapy|treatment|administration|infusion|use)$"
)


def normalise(name: str) -> str:
    """Lower case, accents and punctuation dropped, one space between words, a plural 's' dropped,
    British digraphs (ae, oe) as one e."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = _NON_WORD.sub(" ", text).strip()
    text = " ".join(_DIGRAPH.sub("e", w) if len(w) > 4 else w for w in text.split())
    if len(text) > 4 and text.endswith("s") and not text.endswith(("ss", "us", "is")):
        text = text[:-1]
    return text


def _squash(key: str) -> str:
    """A normalised name without its spaces, digraphs reduced again where words were joined."""
    return _DIGRAPH.sub("e", key.replace(" ", ""))


def _display_name(spellings: Counter) -> str:
    """The name a reader sees: a full name over an abbreviation ("tranexamic acid", not "tAMCA"), then the most
    frequent spelling, then the longer; lower case unless written all in capitals."""

    def full(name: str) -> bool:
        return (" " in name or len(name) > 5) and sum(c.isupper() for c in name) < 2

    name = max(spellings, key=lambda n: (full(n), spellings[n], len(n)))
    return name if name.isupper() else name.lower()


class Concepts:
    """Name → concept dictionary, and each concept's display name."""

    def __init__(
        self,
        by_name: dict[str, dict[str, str]],
        display: dict[str, str],
        min_similarity: float = NO_NEAREST,
        mesh: dict[str, dict[str, str]] | None = None,
    ):
        self.by_name = by_name  # type -> normalised name -> concept id
        self.display = display  # concept id -> display name
        self.min_similarity = min_similarity  # for the nearest annotated name; above 1: none is looked for
        self.mesh = mesh or {}  # type -> normalised name -> MeSH id, as MeSH lists its names
        self._compact: dict[str, dict[str, str]] = {}
        self._nearest: dict[str, NearestName] = {}

    @classmethod
    def fit(cls, mentions: Iterable[tuple[str, str, Sequence[str]]]) -> Concepts:
        """From (text, type, ids) of annotated mentions: each name's most frequent id."""
        votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
        names: dict[str, Counter] = defaultdict(Counter)
        for text, kind, ids in mentions:
            if not ids:
                continue
            concept = ids[0]
            votes[kind, normalise(text)][concept] += 1
            names[concept][text] += 1
        by_name: dict[str, dict[str, str]] = defaultdict(dict)
        for (kind, key), counter in votes.items():
            if key:
                by_name[kind][key] = counter.most_common(1)[0][0]
        display = {concept: _display_name(counter) for concept, counter in names.items()}
        return cls(dict(by_name), display)

    def to_json(self, path: Path) -> None:
        data = {"by_name": self.by_name, "display": self.display, "min_similarity": self.min_similarity}
        path.write_text(json.dumps(data, sort_keys=True))

    @classmethod
    def from_json(cls, path: Path, mesh: dict[str, dict[str, str]] | None = None) -> Concepts:
        data = json.loads(path.read_text())
        return cls(data["by_name"], data["display"], data.get("min_similarity", NO_NEAREST), mesh)

    def lookup(self, text: str, kind: str) -> str:
        key = normalise(text)
        return self.known(key, kind) or ("name:" + key if key else "name:" + text.lower())

    def known(self, key: str, kind: str) -> str | None:
        """The concept of a normalised name as the annotations or, next, MeSH name it; else of the
        nearest form they name: the same letters without spaces ("thrombo embolism"), without a salt
        ("vincristine sulfate"), or, for a disease, its head noun phrase without leading modifiers
        ("acute heart failure"), since MeSH often has no concept for the narrower phrase and the
        corpora then annotate the broader one. The annotations come first: where they and MeSH
        disagree, the annotators' choice is the one the corpora's relations use."""
        names, listed = self.by_name.get(kind, {}), self.mesh.get(kind, {})
        if not key:
            return None
        if found := names.get(key) or listed.get(key) or self.compact(kind).get(_squash(key)):
            return found
        if kind == "Chemical":
            bare = _SALT.sub("", key)
            if bare != key and (found := names.get(bare) or listed.get(bare)):
                return found
        else:
            words = key.split()
            for i in range(1, len(words)):
                tail = " ".join(words[i:])
                if len(tail) >= 5 and (found := names.get(tail)):
                    return found
        if self.min_similarity > 1:
            return None
        if kind not in self._nearest:
            self._nearest[kind] = NearestName(list(names), self.min_similarity)
        nearest = self._nearest[kind].find(key)
        return names[nearest] if nearest is not None else None

    def compact(self, kind: str) -> dict[str, str]:
        """Known names of a type keyed without their spaces."""
        if kind not in self._compact:
            self._compact[kind] = {_squash(k): v for k, v in self.by_name.get(kind, {}).items()}
        return self._compact[kind]

    def name_of(self, concept: str, fallback: str = "") -> str:
        if concept.startswith("name:"):
            return fallback or concept[5:]
        return self.display.get(concept, fallback or concept)

    def link(self, text: str, spans: Sequence[tuple[int, int, str]]) -> list[str]:
        """The concept of each (start, end, type) span of ``text``, in order."""
        concepts = [self.lookup(text[s:e], k) for s, e, k in spans]
        known = [not c.startswith("name:") for c in concepts]
        # "long form (SHORT)": the short form takes the long form's concept in this text
        alias: dict[tuple[str, str], str] = {}
        for i in range(len(spans) - 1):
            (s1, e1, k1), (s2, e2, k2) = spans[i], spans[i + 1]
            if k1 == k2 and text[e1:s2].strip() == "(" and text[e2 : e2 + 1] == ")" and e2 - s2 < e1 - s1:
                alias[k2, normalise(text[s2:e2])] = concepts[i]
        first: dict[tuple[str, str], str] = {}
        for i, (s, e, k) in enumerate(spans):
            key = (k, normalise(text[s:e]))
            if key in alias and (not known[i] or not alias[key].startswith("name:")):
                concepts[i] = alias[key]
            first.setdefault(key, concepts[i])
            if concepts[i].startswith("name:"):
                concepts[i] = first[key]
        return concepts
