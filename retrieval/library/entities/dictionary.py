"""Names the annotated corpora give as entities, found again wherever they occur.

The NER pipeline misses names it has seen annotated ("ketoprofen" in one context, not in the
next). A phrase dictionary of the annotated names catches them, but not every name is an entity
wherever it occurs: "lead" or "depression" often is not. So each name carries how often it was
annotated where it occurs in the annotated texts, and only names annotated in at least
``min_share`` of their occurrences are matched. Case is ignored and a plural "s" is added or
dropped; the counts of a name's forms are pooled under its normalised key.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from retrieval.library.entities.concepts import normalise
from retrieval.library.entities.pubtator import Document
from retrieval.library.entities.spans import Triple

DEFAULT_MIN_SHARE = 0.5
COUNTING = "name"  # the label of every name while their occurrences are counted
MIN_LENGTH = 2  # a one-letter "name" ("T", "P") is an abbreviation only its abstract can explain


@dataclass
class Entry:
    type: str
    annotated: int  # occurrences annotated as ``type``
    seen: int  # occurrences in texts of corpora that annotate ``type``
    forms: list[str] = field(default_factory=list)  # lower-case spellings matched

    @property
    def share(self) -> float:
        return self.annotated / self.seen if self.seen else 0.0


def forms_of(name: str) -> set[str]:
    """The lower-case name, with its plural "s" dropped or added."""
    lower = name.lower()
    if len(lower) > 4 and lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        return {lower, lower[:-1]}
    if len(lower) > 3 and lower[-1].isalpha():
        return {lower, lower + "s"}
    return {lower}


def key_of(text: str) -> str:
    return normalise(text) or text.lower()


class Dictionary:
    def __init__(self, entries: dict[str, Entry], min_share: float = DEFAULT_MIN_SHARE):
        self.entries = entries  # normalised key -> entry
        self.min_share = min_share
        self._matcher: PhraseMatcher | None = None

    @classmethod
    def fit(cls, nlp: Language, corpora: Iterable[tuple[Sequence[Document], Sequence[str]]]) -> Dictionary:
        """From (documents, the types their corpus annotates): every annotated name of those types,
        then how often each is annotated where it occurs in those documents."""
        corpora = [(list(docs), tuple(types)) for docs, types in corpora]
        forms: dict[str, set[str]] = defaultdict(set)
        for docs, types in corpora:
            for m in (m for d in docs for m in d.mentions if m.type in types and len(m.text) >= MIN_LENGTH):
                for form in forms_of(m.text):
                    forms[key_of(form)].add(form)
        counting = cls({k: Entry("", 0, 0, sorted(v)) for k, v in forms.items()}, min_share=0.0)
        seen: dict[str, Counter] = defaultdict(Counter)
        annotated: dict[str, Counter] = defaultdict(Counter)
        for docs, types in corpora:
            for d, doc in zip(docs, nlp.tokenizer.pipe(d.text for d in docs), strict=True):
                gold = {(m.start, m.end): m.type for m in d.mentions}
                for start, end, _ in counting.find(nlp, doc):
                    key = key_of(doc.text[start:end])
                    seen[key].update(types)
                    if gold.get((start, end)) in types:
                        annotated[key][gold[start, end]] += 1
        entries = {}
        for key, votes in annotated.items():
            kind, count = votes.most_common(1)[0]
            entries[key] = Entry(kind, count, seen[key][kind], sorted(forms[key]))
        return cls(entries)

    def find(self, nlp: Language, doc: Doc) -> list[Triple]:
        """(start, end, type) of the names in ``doc`` (made by ``nlp``) annotated often enough,
        longest where they overlap."""
        if self._matcher is None:
            self._matcher = self._build(nlp)
        return [(s.start_char, s.end_char, s.label_) for s in filter_spans(self._matcher(doc, as_spans=True))]

    def _build(self, nlp: Language) -> PhraseMatcher:
        """The matcher of the names kept, tokenized as ``nlp`` tokenizes a text."""
        matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        by_type: dict[str, list[str]] = defaultdict(list)
        for entry in self.entries.values():
            if entry.share >= self.min_share:
                by_type[entry.type or COUNTING].extend(entry.forms)
        for kind, names in by_type.items():
            matcher.add(kind, list(nlp.tokenizer.pipe(names)))
        return matcher

    def to_json(self, path: Path) -> None:
        data = {
            "min_share": self.min_share,
            "entries": {k: [e.type, e.annotated, e.seen, e.forms] for k, e in sorted(self.entries.items())},
        }
        path.write_text(json.dumps(data, separators=(",", ":")))

    @classmethod
    def from_json(cls, path: Path) -> Dictionary:
        data = json.loads(path.read_text())
        entries = {k: Entry(t, a, s, f) for k, (t, a, s, f) in data["entries"].items()}
        return cls(entries, data["min_share"])
