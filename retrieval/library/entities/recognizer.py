"""Chemical and disease mentions in text, by the trained spaCy pipeline."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

# Texts are cut into pieces of at most this many characters (at whitespace where possible):
# the pipeline's cost grows with a document's length and spaCy refuses texts over 1,000,000.
PIECE_CHARS = 20_000


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    type: str
    text: str


def pieces(text: str, size: int = PIECE_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, piece) covering ``text``, each at most ``size`` characters, cut at whitespace."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind(" ", start + size // 2, end)
            end = cut if cut > start else end
        yield start, text[start:end]
        start = end


class Recognizer:
    def __init__(self, model_dir: Path):
        import spacy

        self.nlp = spacy.load(model_dir)

    def spans(self, texts: Sequence[str], batch_size: int = 64) -> list[list[Span]]:
        jobs = [(i, off, piece) for i, text in enumerate(texts) for off, piece in pieces(text or "")]
        out: list[list[Span]] = [[] for _ in texts]
        docs = self.nlp.pipe((piece for _, _, piece in jobs), batch_size=batch_size)
        for (i, off, _), doc in zip(jobs, docs, strict=True):
            out[i].extend(Span(off + e.start_char, off + e.end_char, e.label_, e.text) for e in doc.ents)
        return out
