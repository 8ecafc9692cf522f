"""Sentence splitting and sentence-aligned chunking of abstracts.

Chunks never cut a sentence and stay inside the embedding model's token window
(title included), so no text is silently truncated by the encoder.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from retrieval.library.records import Article

TokenCounter = Callable[[Sequence[str]], list[int]]

# Abbreviations after which a period does not end a sentence.
_ABBREVIATIONS = {
    "e.g",
    "i.e",
    "al",
    "vs",
    "fig",
    "figs",
    "approx",
    "ca",
    "dr",
    "mr",
    "mrs",
    "ms",
    "no",
    "nos",
    "vol",
    "resp",
    "ref",
    "refs",
    "cf",
    "sp",
    "spp",
    "st",
    "inc",
    "ltd",
    "co",
    "jr",
    "sr",
    "etc",
    "viz",
}
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, respecting common abbreviations, initials and decimals."""
    text = " ".join(text.split())
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        candidate = text[start : match.start()].rstrip()
        last_word = candidate.rsplit(" ", 1)[-1].rstrip(".!?\"')]").lower()
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


def article_sentences(article: Article) -> list[tuple[str, str]]:
    """All abstract sentences as (section category or label, sentence), in order."""
    out: list[tuple[str, str]] = []
    for section in article.abstract:
        section_name = (section.category or section.label or "").upper()
        out.extend((section_name, s) for s in split_sentences(section.text))
    return out


def make_chunker(count_tokens: TokenCounter, max_tokens: int) -> Callable[[Article], list[str]]:
    """A chunker packing consecutive sentences into chunks of at most ``max_tokens`` (with the title)."""

    def chunk(article: Article) -> list[str]:
        sentences = [s for _, s in article_sentences(article)]
        if not sentences:
            return [article.title or article.pmid]
        title_tokens = count_tokens([article.title])[0] if article.title else 0
        budget = max(48, max_tokens - title_tokens - 3)
        chunks: list[str] = []
        current: list[str] = []
        used = 0
        for sentence, size in zip(sentences, count_tokens(sentences), strict=True):
            if current and used + size > budget:
                chunks.append(" ".join(current))
                current, used = [], 0
            current.append(sentence)
            used += size
        if current:
            chunks.append(" ".join(current))
        return chunks

    return chunk
