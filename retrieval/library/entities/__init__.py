"""Chemicals and diseases in titles and abstracts: mentions, concepts and induced-disease relations.

``extractor().extract(texts)`` gives, for each text, its entity mentions (character spans with a
type, ``Chemical`` or ``Disease``, and a concept: a MeSH id where the training corpora or MeSH's
own name lists give one, else ``name:`` and the normalised name) and the chemical-induced-disease relations the abstract
reports. The models are trained by ``python -m retrieval.library.entities.train`` and ship in
``model/`` (see its ``provenance.json``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parent / "model"
# Text past this many characters is not read: an abstract is a few thousand; a megabyte of text is
# no abstract, and reading it all would hold an ingest for minutes.
MAX_CHARS = 100_000


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    type: str
    text: str
    concept: str
    name: str  # the concept's display name

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Extraction:
    entities: list[Entity] = field(default_factory=list)
    relations: list[tuple[str, str]] = field(default_factory=list)  # (chemical concept, disease concept)
    note: str = ""  # why part of the text was not read, when it was not


class Extractor:
    def __init__(self, model_dir: Path = MODEL_DIR):
        from retrieval.library.entities import mesh
        from retrieval.library.entities.concepts import Concepts
        from retrieval.library.entities.dictionary import Dictionary
        from retrieval.library.entities.recognizer import Recognizer
        from retrieval.library.entities.relations import RelationModel

        self.model_dir = model_dir
        self.recognizer = Recognizer(model_dir / "ner", Dictionary.from_json(model_dir / "dictionary.json"))
        lists = mesh.load(model_dir / mesh.FILE_NAME)
        self.concepts = Concepts.from_json(model_dir / "concepts.json", lists.names)
        self.relations = RelationModel.from_json(model_dir / "relations.json")
        self.relations.broader = lists.broader
        self.version = model_version(model_dir)

    def extract(self, texts: Sequence[str], title_lengths: Sequence[int] | None = None) -> list[Extraction]:
        """Entities and relations of each text. ``title_lengths``: how many leading characters are the title."""
        cut = [(t or "")[:MAX_CHARS] for t in texts]
        found = self.recognizer.spans(cut)
        out = []
        for i, (text, spans) in enumerate(zip(cut, found, strict=True)):
            triples = [(s.start, s.end, s.type) for s in spans]
            concepts = self.concepts.link(text, triples)
            entities = [
                Entity(s.start, s.end, s.type, s.text, c, self.concepts.name_of(c, s.text))
                for s, c in zip(spans, concepts, strict=True)
            ]
            title_len = title_lengths[i] if title_lengths is not None else _first_sentence(text)
            relations = self.relations.predict(text, title_len, [(e.start, e.end, e.type, e.concept) for e in entities])
            note = ""
            if len(texts[i] or "") > MAX_CHARS:
                note = f"text of {len(texts[i]):,} characters: only the first {MAX_CHARS:,} were read"
            out.append(Extraction(entities, relations, note))
        return out

    def extract_article(self, title: str, abstract: str) -> Extraction:
        """Entities of a title and abstract; offsets count characters of ``title + " " + abstract``."""
        return self.extract([article_text(title, abstract)], [len(title)])[0]


def article_text(title: str, abstract: str) -> str:
    """The text entities are found in, as the training corpora join a title and its abstract."""
    return f"{title} {abstract}" if abstract else title


def _first_sentence(text: str) -> int:
    end = text.find(". ")
    return end + 1 if end >= 0 else len(text)


def model_version(model_dir: Path = MODEL_DIR) -> str:
    """Which training run made the models: the date in their provenance (read without loading them)."""
    import json

    try:
        return json.loads((model_dir / "provenance.json").read_text()).get("date", "unknown")
    except (OSError, ValueError):
        return "unknown"


@lru_cache(maxsize=2)
def extractor(model_dir: Path = MODEL_DIR) -> Extractor:
    return Extractor(model_dir)
