"""Summaries of a topic or a collection: themes, what each theme found, and the shape of the evidence.

A reader facing forty abstracts wants to know what sub-topics they fall into
and what each one found. Articles are grouped by their embeddings (the mean of
their chunk vectors, already in the store: nothing is re-embedded) with k-means,
the number of themes chosen by silhouette; each theme is named by the terms that
set its abstracts apart (TF-IDF against the other themes) and illustrated by the
findings sentences nearest its centroid, each cited. Counts by evidence level
and by year show what kind of evidence it is and how recent. A written overview
(``narrative=True``) goes through the same verified generation as LLM answers.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from retrieval.answers.extractive import SECTION_BONUS, is_near_duplicate
from retrieval.answers.results import Citation
from retrieval.errors import UserError
from retrieval.library import Library
from retrieval.library.chunking import article_sentences
from retrieval.library.evidence import LEVELS
from retrieval.library.filters import SearchFilters
from retrieval.search.hybrid import design_levels, ensure_not_empty, make_hit
from retrieval.search.relevance import relevant_search
from retrieval.search.results import Hit
from retrieval.text import STOP_WORDS, words

MAX_THEMES = 8
MIN_THEME_SIZE = 2  # articles per theme on average when choosing how many themes to try
FINDINGS_PER_THEME = 3
LABEL_TERMS = 3
MIN_SILHOUETTE = 0.02  # below this the articles do not form distinct groups: one theme


@dataclass
class Theme:
    label: str  # its most distinctive terms
    pmids: list[str]
    findings: list[Citation] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"label": self.label, "pmids": self.pmids, "findings": [c.as_dict() for c in self.findings]}


@dataclass
class Summary:
    query: str | None
    collection: str | None
    articles: int
    themes: list[Theme] = field(default_factory=list)
    counts_by_level: dict[str, int] = field(default_factory=dict)
    counts_by_year: dict[str, int] = field(default_factory=dict)  # "unknown" for articles without a year
    narrative: str = ""
    narrative_citations: list[Citation] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    ranked: int = 0  # articles ranked for the query before the relevance bar (``articles`` passed it)
    nothing: str = ""  # why no article is summarised, in one sentence

    def as_json(self) -> dict:
        return {
            "query": self.query,
            "collection": self.collection,
            "articles": self.articles,
            "ranked": self.ranked,
            "nothing": self.nothing,
            "themes": [t.as_dict() for t in self.themes],
            "counts_by_level": self.counts_by_level,
            "counts_by_year": self.counts_by_year,
            "narrative": self.narrative,
            "narrative_citations": [c.as_dict() for c in self.narrative_citations],
            "removed": self.removed,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }


def summarize(
    library: Library,
    query: str | None = None,
    collection: str | None = None,
    k: int = 40,
    narrative: bool = False,
    filters: SearchFilters | None = None,
) -> Summary:
    """Summarise the ``k`` best articles for ``query`` (within ``collection`` if given), or the collection itself."""
    started = time.perf_counter()
    query = query.strip() if query else None
    filters = SearchFilters(**(filters.as_dict() if filters else {}))
    filters.collection = collection = collection or filters.collection
    if not query and not collection:
        raise UserError("Nothing to summarise: give a search query or a collection name.")
    if query:
        found = relevant_search(library, query, filters, k=k)
        hits, ranked, nothing = found.hits, found.ranked, found.nothing_sentence(query)
    else:
        hits = collection_hits(library, filters, k)
        ranked, nothing = len(hits), ""
    summary = Summary(query, collection, len(hits), ranked=ranked, nothing=nothing)
    summary.counts_by_level = level_counts(hits)
    summary.counts_by_year = year_counts(hits)
    if hits:
        t0 = time.perf_counter()
        summary.themes = themes(library, hits)
        summary.timings_ms["themes"] = _ms(t0)
    if narrative and hits:
        from retrieval.answers.ask import cited_text
        from retrieval.answers.llm.answer import generate_verified

        usable = [h for h in hits if not h.retracted]
        draft = generate_verified(library, query or f"the collection {collection}", usable, task="summary")
        titles = {h.pmid: h.title for h in usable}
        summary.narrative = cited_text(draft.sentences)
        summary.narrative_citations = [Citation(p, titles.get(p, ""), s) for s, pmids in draft.sentences for p in pmids]
        summary.removed = draft.removed
        summary.timings_ms["llm_total"] = draft.total_ms
    summary.timings_ms["total"] = _ms(started)
    return summary


def collection_hits(library: Library, filters: SearchFilters, k: int) -> list[Hit]:
    """The collection's articles still in the library, newest first, at most ``k``."""
    ensure_not_empty(library)
    clause = library.store.filter_clause(filters)
    pmids = sorted(library.store.allowed_pmids(clause)) if clause else library.store.all_pmids()
    articles = library.store.get_articles(pmids)
    chosen = sorted(articles.values(), key=lambda a: (-(a.year or 0), a.pmid))[:k]
    levels = design_levels(library, [a.pmid for a in chosen])
    return [make_hit(a, 0.0, levels[a.pmid], []) for a in chosen]


def level_counts(hits: list[Hit]) -> dict[str, int]:
    counts = Counter(h.level for h in hits)
    return {level.label: counts[level.label] for level in LEVELS if counts[level.label]}


def year_counts(hits: list[Hit]) -> dict[str, int]:
    counts = Counter(str(h.year) if h.year else "unknown" for h in hits)
    return dict(sorted(counts.items()))


# ------------------------------------------------------------------------- themes
def cluster(vectors: np.ndarray) -> np.ndarray:
    """Cluster labels; the number of clusters maximises the cosine silhouette (one cluster if none separates)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(vectors)
    best_labels, best_score = np.zeros(n, dtype=int), MIN_SILHOUETTE
    for n_clusters in range(2, min(MAX_THEMES, n // MIN_THEME_SIZE) + 1):
        labels = KMeans(n_clusters=n_clusters, n_init=4, random_state=0).fit_predict(vectors)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(vectors, labels, metric="cosine"))
        if score > best_score:
            best_labels, best_score = labels, score
    return best_labels


def label_words(text: str) -> list[str]:
    """Words that can name a theme: content words of three letters or more that start with a letter."""
    return [w for w in words(text) if w not in STOP_WORDS and len(w) > 2 and w[0].isalpha()]


def theme_labels(texts: list[str], labels: np.ndarray) -> dict[int, str]:
    """Each cluster's most distinctive terms: mean TF-IDF inside the cluster minus outside it."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=label_words, sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts)
    terms = vectorizer.get_feature_names_out()
    names = {}
    for label in sorted(set(labels)):
        inside = np.asarray(matrix[labels == label].mean(axis=0)).ravel()
        outside = np.asarray(matrix[labels != label].mean(axis=0)).ravel() if (labels != label).any() else 0.0
        top = np.argsort(-(inside - outside))[:LABEL_TERMS]
        names[int(label)] = ", ".join(terms[i] for i in top)
    return names


def themes(library: Library, hits: list[Hit]) -> list[Theme]:
    vectors = library.store.article_vectors([h.pmid for h in hits])
    members = [h for h in hits if h.pmid in vectors]
    if not members:
        return []
    matrix = np.vstack([vectors[h.pmid] for h in members])
    labels = cluster(matrix) if len(members) >= 2 * MIN_THEME_SIZE else np.zeros(len(members), dtype=int)
    texts = [f"{h.title} {h.article.abstract_text if h.article else ''}" for h in members]
    names = theme_labels(texts, labels)
    pool = finding_candidates(members)
    pool_vectors = library.embed_texts([sentence for _, _, sentence in pool]) if pool else np.zeros((0, 1))
    out = []
    for label in sorted(set(labels), key=lambda lab: -int(np.sum(labels == lab))):
        inside = [h for h, lab in zip(members, labels, strict=True) if lab == label]
        centroid = matrix[labels == label].mean(axis=0)
        pmids = {h.pmid for h in inside}
        chosen = nearest_findings(pool, pool_vectors, centroid, pmids)
        out.append(Theme(names[int(label)], [h.pmid for h in inside], chosen))
    return out


def finding_candidates(hits: list[Hit]) -> list[tuple[str, str, str]]:
    """(pmid, title, sentence) of the sentences stating findings: RESULTS/CONCLUSIONS, else an abstract's last two."""
    pool = []
    for hit in hits:
        if hit.retracted or hit.article is None:
            continue
        sentences = article_sentences(hit.article)
        findings = [s for sec, s in sentences if SECTION_BONUS.get(sec, 0.0) > 0]
        pool.extend((hit.pmid, hit.title, s) for s in findings or [s for _, s in sentences[-2:]])
    return pool


def nearest_findings(
    pool: list[tuple[str, str, str]], vectors: np.ndarray, centroid: np.ndarray, pmids: set[str]
) -> list[Citation]:
    """The theme's findings nearest its centroid, one per article, without near-duplicates."""
    order = np.argsort(-(vectors @ centroid)) if len(pool) else []
    chosen: list[int] = []
    for i in order:
        pmid, _, sentence = pool[i]
        if pmid not in pmids or any(pool[j][0] == pmid for j in chosen):
            continue
        if any(is_near_duplicate(sentence, pool[j][2], float(vectors[i] @ vectors[j])) for j in chosen):
            continue
        chosen.append(int(i))
        if len(chosen) == FINDINGS_PER_THEME:
            break
    return [Citation(pool[i][0], pool[i][1], pool[i][2]) for i in chosen]


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0
