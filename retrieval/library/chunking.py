"""Sentence-aligned chunking of abstracts (what a sentence is: ``retrieval.text``).

Chunks never cut a sentence and stay inside the embedding model's token window
(title included), so no text is silently truncated by the encoder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from retrieval.library.records import Article
from retrieval.text import split_sentences

TokenCounter = Callable[[Sequence[str]], list[int]]


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
