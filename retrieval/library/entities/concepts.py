"""Grouping mentions into concepts: "acetaminophen", "paracetamol" and "APAP" are one drug.

A concept is a MeSH (or, for some diseases, OMIM) identifier where the annotated corpora tie the
mention's name to one, else ``name:`` and the normalised name. Within one abstract an
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

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(name: str) -> str:
    """Lower case, accents and punctuation dropped, one space between words, a plural 's' dropped."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = _NON_WORD.sub(" ", text).strip()
    if len(text) > 4 and text.endswith("s") and not text.endswith(("ss", "us", "is")):
        text = text[:-1]
    return text


class Concepts:
    """Name → concept dictionary, and each concept's display name."""

    def __init__(self, by_name: dict[str, dict[str, str]], display: dict[str, str]):
        self.by_name = by_name  # type -> normalised name -> concept id
        self.display = display  # concept id -> display name

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
            names[concept][text.lower() if not text.isupper() else text] += 1
        by_name: dict[str, dict[str, str]] = defaultdict(dict)
        for (kind, key), counter in votes.items():
            if key:
                by_name[kind][key] = counter.most_common(1)[0][0]
        display = {}
        for concept, counter in names.items():
            # the most frequent spelling; among equals the longer (a full name over an abbreviation)
            display[concept] = max(counter.items(), key=lambda kv: (kv[1], len(kv[0])))[0]
        return cls(dict(by_name), display)

    def to_json(self, path: Path) -> None:
        path.write_text(json.dumps({"by_name": self.by_name, "display": self.display}, sort_keys=True))

    @classmethod
    def from_json(cls, path: Path) -> Concepts:
        data = json.loads(path.read_text())
        return cls(data["by_name"], data["display"])

    def lookup(self, text: str, kind: str) -> str:
        key = normalise(text)
        return self.by_name.get(kind, {}).get(key) or ("name:" + key if key else "name:" + text.lower())

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
