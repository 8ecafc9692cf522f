"""Extractive answers: the abstracts' own sentences that best answer a question, each cited.

No model writes anything here, so nothing can be invented: every sentence is a
verbatim sentence of a cited abstract. Candidate sentences of the top articles
are embedded at question time and scored by cosine similarity to the question,
nudged toward RESULTS and CONCLUSIONS (where abstracts state findings) and
toward better-ranked articles; near-duplicates are dropped so that three to six
sentences carry distinct information. Retracted articles never supply a sentence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from retrieval.answers.results import Citation
from retrieval.library import Library
from retrieval.library.chunking import article_sentences
from retrieval.library.evidence import BY_LABEL, OTHER
from retrieval.search.results import Hit
from retrieval.text import content_words, term_overlap, words

# Embedding the candidates is the cost of an answer, so only the likeliest sentences of the best articles
# are embedded, cut to their first EMBED_WORDS words for scoring. On 60 PubMedQA dev and 30 paraphrased
# questions, 4 articles x 6 sentences x 40 words quoted the gold article as often as 5 x 12 whole sentences
# (97%), quoted its conclusion more often (88% vs 80%) and took a quarter of the time.
TOP_ARTICLES = 4  # articles whose sentences compete
SENTENCES_PER_ARTICLE = 6  # candidates per article
EMBED_WORDS = 40
PRESELECT_OVERLAP = 0.1  # weight of the question's words when picking which sentences to embed
MIN_SENTENCES, MAX_SENTENCES = 3, 6
MAX_PER_ARTICLE = 2
SCORE_WINDOW = 0.15  # after the minimum, keep sentences scoring within this of the best
DUPLICATE_COSINE = 0.9
DUPLICATE_JACCARD = 0.6
MIN_WORDS = 5

# Findings live in RESULTS and CONCLUSIONS; background and aims restate the question.
SECTION_BONUS = {
    "CONCLUSIONS": 0.08,
    "CONCLUSION": 0.08,
    "RESULTS": 0.06,
    "FINDINGS": 0.06,
    "INTERPRETATION": 0.06,
    "METHODS": -0.06,
    "BACKGROUND": -0.04,
    "INTRODUCTION": -0.04,
    "OBJECTIVE": -0.08,
    "OBJECTIVES": -0.08,
    "AIMS": -0.08,
    "PURPOSE": -0.08,
}
UNSTRUCTURED_LAST_BONUS = 0.04  # an unstructured abstract usually ends with its conclusion
RANK_BONUS = 0.04  # the best-ranked article's sentences get this much more than the fifth's


@dataclass
class Candidate:
    pmid: str
    title: str
    section: str
    sentence: str
    prior: float  # section and article-rank bonus
    score: float = 0.0


@dataclass
class Extract:
    citations: list[Citation]
    text: str
    bottom_line: str


def candidates(hits: list[Hit], terms: list[str]) -> list[Candidate]:
    """Sentences of the top non-retracted articles worth embedding: findings and the question's words first."""
    usable = [h for h in hits if not h.retracted and h.article is not None and h.article.has_abstract]
    out: list[Candidate] = []
    for rank, hit in enumerate(usable[:TOP_ARTICLES]):
        rank_bonus = RANK_BONUS * (1 - rank / max(TOP_ARTICLES - 1, 1))
        assert hit.article is not None
        sentences = [(sec, s) for sec, s in article_sentences(hit.article) if len(words(s)) >= MIN_WORDS]
        structured = any(sec not in ("", "UNASSIGNED") for sec, _ in sentences)
        scored = []
        for position, (section, sentence) in enumerate(sentences):
            bonus = SECTION_BONUS.get(section, 0.0)
            if not structured and position >= len(sentences) - 2:
                bonus += UNSTRUCTURED_LAST_BONUS
            scored.append(Candidate(hit.pmid, hit.title, section, sentence, bonus + rank_bonus))
        scored.sort(key=lambda c: -(c.prior + PRESELECT_OVERLAP * term_overlap(terms, c.sentence)))
        out.extend(scored[:SENTENCES_PER_ARTICLE])
    return out


def select(pool: list[Candidate], vectors: np.ndarray) -> list[Candidate]:
    """Best-scoring sentences, at most MAX_PER_ARTICLE per article, without near-duplicates."""
    order = sorted(range(len(pool)), key=lambda i: -pool[i].score)
    chosen: list[int] = []
    per_article: Counter[str] = Counter()
    best = pool[order[0]].score if order else 0.0
    for i in order:
        if len(chosen) >= MAX_SENTENCES:
            break
        if len(chosen) >= MIN_SENTENCES and pool[i].score < best - SCORE_WINDOW:
            break
        if per_article[pool[i].pmid] >= MAX_PER_ARTICLE:
            continue
        if any(is_near_duplicate(pool[i].sentence, pool[j].sentence, float(vectors[i] @ vectors[j])) for j in chosen):
            continue
        chosen.append(i)
        per_article[pool[i].pmid] += 1
    return [pool[i] for i in chosen]


def is_near_duplicate(a: str, b: str, cosine: float) -> bool:
    if cosine > DUPLICATE_COSINE:
        return True
    ta, tb = set(words(a)), set(words(b))
    return bool(ta and tb) and len(ta & tb) / len(ta | tb) > DUPLICATE_JACCARD


def extract(library: Library, question: str, hits: list[Hit], question_vector: np.ndarray | None = None) -> Extract:
    """The best 3-6 cited sentences for ``question`` from ``hits``, and a one-line bottom line."""
    pool = candidates(hits, content_words(question))
    if not pool:
        return Extract([], "", bottom_line(hits, []))
    if question_vector is None:
        question_vector = library.embed_query(question)
    vectors = library.embed_texts([" ".join(c.sentence.split()[:EMBED_WORDS]) for c in pool])
    for candidate, similarity in zip(pool, vectors @ question_vector, strict=True):
        candidate.score = float(similarity) + candidate.prior
    chosen = select(pool, vectors)
    citations = [Citation(c.pmid, c.title, c.sentence) for c in chosen]
    text = " ".join(f"{c.sentence} [{c.pmid}]" for c in chosen)
    return Extract(citations, text, bottom_line(hits, citations))


def bottom_line(hits: list[Hit], citations: list[Citation]) -> str:
    """One line on the evidence behind the answer: how many articles, which designs, the strongest one."""
    cited = {c.pmid for c in citations}
    used = [h for h in hits if h.pmid in cited]
    retracted = [h for h in hits[:TOP_ARTICLES] if h.retracted]
    if not used:
        line = "Bottom line: no abstract sentence in the top articles could be quoted as an answer."
    else:
        levels = Counter(h.level for h in used)
        mix = ", ".join(f"{n} × {label}" for label, n in sorted(levels.items(), key=lambda kv: _rank(kv[0])))
        strongest = min(used, key=lambda h: (_rank(h.level), -(h.year or 0)))
        year = f", {strongest.year}" if strongest.year else ""
        noun = "article" if len(used) == 1 else "articles"
        line = (
            f"Bottom line: quoted from {len(used)} {noun} ({mix}); strongest design: {strongest.level}"
            f" [{strongest.pmid}{year}]."
        )
    if retracted:
        n = len(retracted)
        line += f" {n} retracted article{'s were' if n > 1 else ' was'} among the top results and not quoted."
    return line


def _rank(label: str) -> int:
    return BY_LABEL.get(label, OTHER).rank
