"""Chemical and disease mentions in text: the trained spaCy pipeline, then passes over each text.

The pipeline finds three quarters of the annotated mentions. The passes, each measured on BC5CDR
dev (see ``provenance.json``), add what it misses: names the annotations give as entities
(``dictionary.py``; the pipeline's span wins where they overlap), every other occurrence of a
name tagged once (``repeats.py``), and abbreviations resolved by their long form
(``abbreviations.py``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc
from threadpoolctl import threadpool_limits

from retrieval.library.entities import abbreviations, repeats
from retrieval.library.entities.dictionary import Dictionary
from retrieval.library.entities.spans import Triple, merge

# Texts are cut into pieces of at most this many characters (at whitespace where possible):
# the pipeline's cost grows with a document's length and spaCy refuses texts over 1,000,000.
PIECE_CHARS = 20_000
# Abstracts given to the pipeline at once: on 512 corpus abstracts, 32 ran ~4% more abstracts per CPU
# second than 64 (65.5 against 63.5; 256 and 512 fell to 52 and 47): smaller batches stay in cache.
BATCH_SIZE = 32


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
    def __init__(self, ner_dir: Path, dictionary: Dictionary | None = None):
        import spacy
        from thinc.api import use_ops

        # Most of the pipeline's time is its matrix products. thinc makes them with blis by default;
        # numpy's OpenBLAS made them ~3 times as fast here (AVX-512), so extraction ran ~1.8 times as many
        # corpus abstracts per CPU second, with the same entities and relations on all 5,124 of them.
        with use_ops("numpy", use_blis=False):
            self.nlp = spacy.load(ner_dir)
        self.dictionary = dictionary

    def spans(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> list[list[Span]]:
        jobs = [(i, off, piece) for i, text in enumerate(texts) for off, piece in pieces(text or "")]
        out: list[list[Span]] = [[] for _ in texts]
        with _one_blas_thread():
            docs = self.nlp.pipe((piece for _, _, piece in jobs), batch_size=batch_size)
            for (i, off, piece), doc in zip(jobs, docs, strict=True):
                out[i].extend(Span(off + s, off + e, k, piece[s:e]) for s, e, k in self.passes(doc))
        return out

    def docs(self, texts: Sequence[str]) -> list[Doc]:
        """The pipeline's documents, for trying passes with other dictionaries on them (``train.py``)."""
        with _one_blas_thread():
            return list(self.nlp.pipe(texts, batch_size=BATCH_SIZE))

    def passes(self, doc: Doc, dictionary: Dictionary | None = None) -> list[Triple]:
        """The pipeline's spans of ``doc`` with the dictionary's, repeats and abbreviations."""
        found: list[Triple] = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        dictionary = dictionary or self.dictionary
        if dictionary is not None:
            found = merge(found, dictionary.find(self.nlp, doc), longest=False)
        found = repeats.apply(doc, found)
        return abbreviations.apply(doc, found)


def _one_blas_thread() -> threadpool_limits:
    """OpenBLAS on one thread while the pipeline runs: its default, a thread a core, ran 69 corpus abstracts
    a second (clock and CPU alike) against 112 on one thread, on two cores already busy with other work."""
    return threadpool_limits(limits=1, user_api="blas")
