"""Entities: the pipeline's matrix products run on numpy's OpenBLAS, one thread, and find what blis found."""

from __future__ import annotations

import spacy
from threadpoolctl import threadpool_info

from retrieval.library.entities import MODEL_DIR, extractor

TEXT = (
    "Acetaminophen-induced hepatotoxicity in children. Lidocaine (LID) was given to ten patients with "
    "chronic kidney disease; headache and hypotension after LID were mild, and cisplatin nephrotoxicity rare."
)


def test_the_token_vectors_where_the_time_goes_are_multiplied_without_blis():
    # (spaCy builds the parser's output layer on its own CPU ops; the parse reads its weights in C)
    model = extractor().recognizer.nlp.get_pipe("tok2vec").model
    assert all(not node.ops.use_blis for node in model.walk())


def test_the_entities_are_those_of_the_blis_pipeline():
    blis = spacy.load(MODEL_DIR / "ner")  # thinc's default ops
    assert any(node.ops.use_blis for node in blis.get_pipe("tok2vec").model.walk())
    ours = extractor().recognizer.docs([TEXT])[0]
    assert [(e.start_char, e.end_char, e.label_) for e in ours.ents] == [
        (e.start_char, e.end_char, e.label_) for e in blis(TEXT).ents
    ]


def test_extraction_gives_the_blas_threads_back():
    before = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
    extractor().extract([TEXT])
    assert [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"] == before
