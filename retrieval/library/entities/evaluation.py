"""Scores of the shipped (or any) entity models on the annotated corpora: used by training and by bench."""

from __future__ import annotations

import time
from pathlib import Path

from retrieval.library.entities import Extractor
from retrieval.library.entities.prior import Annotated, Prior
from retrieval.library.entities.pubtator import CHEMICAL, DISEASE, Document
from retrieval.library.entities.relations import RelationModel, candidates
from retrieval.library.entities.scoring import mention_scores, relation_scores


def evaluate(ex: Extractor, docs: list[Document], types: tuple[str, ...], relations: bool) -> dict:
    """Strict mention P/R/F1 per type, document-level CID F1 end to end (predicted entities and
    concepts), and the relation classifier alone on the gold entities; with the time taken."""
    started, cpu = time.monotonic(), time.process_time()
    found = ex.extract([d.text for d in docs], [len(d.title) for d in docs])
    seconds, cpu_seconds = time.monotonic() - started, time.process_time() - cpu
    out: dict = {
        "documents": len(docs),
        "mentions": mention_scores(
            [[(m.start, m.end, m.type) for m in d.mentions] for d in docs],
            [[(e.start, e.end, e.type) for e in f.entities] for f in found],
            types,
        ),
        "abstracts_per_second": round(len(docs) / seconds, 1),
        "abstracts_per_cpu_second": round(len(docs) / cpu_seconds, 1),
    }
    if relations:
        # As a CDR submission: pairs of concepts with a MeSH id only (a "name:" concept has no id to submit).
        out["relations_end_to_end"] = relation_scores(
            [d.relations for d in docs],
            [{(c, x) for c, x in f.relations if not (c.startswith("name:") or x.startswith("name:"))} for f in found],
        )
        out["relations_on_gold_entities"] = relation_scores(
            [d.relations for d in docs], [set(predict_on_gold(ex.relations, d)) for d in docs]
        )
        normalised = [
            (m.ids[0], e.concept)
            for d, f in zip(docs, found, strict=True)
            for m in d.mentions
            if m.ids
            for e in f.entities
            if (e.start, e.end, e.type) == (m.start, m.end, m.type)
        ]
        out["concept_accuracy_on_found_mentions"] = (
            round(100 * sum(g == p for g, p in normalised) / len(normalised), 2) if normalised else None
        )
    return out


def gold_entities(d: Document) -> list[tuple[int, int, str, str]]:
    return [(m.start, m.end, m.type, i) for m in d.mentions for i in m.ids[:1] if m.type in (CHEMICAL, DISEASE)]


def predict_on_gold(model: RelationModel, d: Document) -> list[tuple[str, str]]:
    return model.predict(d.text, len(d.title), gold_entities(d))


def annotated(d: Document) -> Annotated:
    entities = gold_entities(d)
    return Annotated(
        frozenset(c for _, _, k, c in entities if k == CHEMICAL),
        frozenset(c for _, _, k, c in entities if k == DISEASE),
        frozenset(d.relations),
    )


def training_rows(
    docs: list[Document], prior: Prior | None = None, counted_in_prior: bool = False
) -> tuple[list, list[int], list[tuple[str, tuple[str, str]]]]:
    """Candidate pairs of the gold entities, labelled; ``counted_in_prior``: ``docs`` are among the
    abstracts ``prior`` was counted from, so each row's own abstract is left out of its prior."""
    rows, labels, keys = [], [], []
    for d in docs:
        own = annotated(d) if counted_in_prior else None
        for pair, features in candidates(d.text, len(d.title), gold_entities(d), prior, own).items():
            rows.append(features)
            labels.append(int(pair in d.relations))
            keys.append((d.pmid, pair))
    return rows, labels, keys


def model_size_bytes(model_dir: Path) -> int:
    return sum(f.stat().st_size for f in model_dir.rglob("*") if f.is_file())
