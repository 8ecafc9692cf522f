"""Reading annotated corpora in PubTator format (BC5CDR, NCBI-disease, CHR).

A PubTator file holds documents separated by blank lines::

    PMID|t|title
    PMID|a|abstract
    PMID<TAB>start<TAB>end<TAB>mention<TAB>type<TAB>identifier[...]
    PMID<TAB>CID<TAB>chemical<TAB>disease

The text of a document is ``title + " " + abstract``; offsets count characters of it.
Types are mapped onto the two MedLit knows, ``Chemical`` and ``Disease``: NCBI-disease's
``SpecificDisease``/``DiseaseClass``/``Modifier``/``CompositeMention`` are diseases, CHR's
``ChemMet`` (and any chemical-like type) is a chemical.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

CHEMICAL = "Chemical"
DISEASE = "Disease"

_TYPES = {
    "chemical": CHEMICAL,
    "chemmet": CHEMICAL,
    "drug": CHEMICAL,
    "disease": DISEASE,
    "specificdisease": DISEASE,
    "diseaseclass": DISEASE,
    "modifier": DISEASE,
    "compositemention": DISEASE,
}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    type: str
    ids: tuple[str, ...]  # MeSH (or OMIM) ids; empty when the corpus gives none (-1)


@dataclass
class Document:
    pmid: str
    title: str
    abstract: str
    mentions: list[Mention] = field(default_factory=list)
    relations: set[tuple[str, str]] = field(default_factory=set)  # (chemical id, disease id), CID

    @property
    def text(self) -> str:
        return f"{self.title} {self.abstract}" if self.abstract else self.title


def _ids(field_text: str) -> tuple[str, ...]:
    out = []
    for raw in field_text.replace(",", "|").replace("+", "|").split("|"):
        raw = raw.strip()
        if not raw or raw == "-1":
            continue
        if raw.startswith("MESH:"):
            raw = raw[5:]
        out.append(raw)
    return tuple(out)


def parse(path: Path) -> list[Document]:
    """All documents of one PubTator file, mentions checked against the text."""
    docs: list[Document] = []
    for block in _blocks(path):
        doc = _document(block)
        if doc is not None:
            docs.append(doc)
    return docs


def _blocks(path: Path) -> Iterator[list[str]]:
    block: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                if block:
                    yield block
                block = []
                continue
            # a new title line also starts a document (files without blank lines between them)
            if "|t|" in line.split("\t", 1)[0] and block:
                yield block
                block = []
            block.append(line)
    if block:
        yield block


def _document(lines: list[str]) -> Document | None:
    title = abstract = ""
    pmid = ""
    rows: list[list[str]] = []
    for line in lines:
        head = line.split("\t", 1)[0]
        if "|t|" in head:
            pmid, _, title = line.partition("|t|")
        elif "|a|" in head:
            pmid, _, abstract = line.partition("|a|")
        else:
            rows.append(line.split("\t"))
    if not pmid:
        return None
    doc = Document(pmid=pmid.strip(), title=title, abstract=abstract)
    text = doc.text
    for row in rows:
        if len(row) >= 4 and row[1] == "CID":
            doc.relations.add((row[2].strip(), row[3].strip()))
            continue
        if len(row) < 5 or not row[1].isdigit() or not row[2].isdigit():
            continue
        kind = _TYPES.get(row[4].strip().lower())
        if kind is None:
            continue
        start, end = int(row[1]), int(row[2])
        if text[start:end] != row[3]:
            continue  # an offset that does not match the text is a corpus error: skip it
        doc.mentions.append(Mention(start, end, row[3], kind, _ids(row[5]) if len(row) > 5 else ()))
    doc.mentions.sort(key=lambda m: (m.start, -m.end))
    return doc


# The corpora as laid out in the shared data folder (raw/).
CORPORA = {
    "bc5cdr": {
        "train": "bc5cdr/CDR_TrainingSet.PubTator.txt",
        "dev": "bc5cdr/CDR_DevelopmentSet.PubTator.txt",
        "test": "bc5cdr/CDR_TestSet.PubTator.txt",
    },
    "ncbi_disease": {
        "train": "ncbi_disease/NCBItrainset_corpus.txt",
        "test": "ncbi_disease/NCBItestset_corpus.txt",
    },
    "chr": {"dev": "chr_dev/dev.pubtator"},
}


def load(raw_dir: Path, corpus: str, split: str) -> list[Document]:
    docs = parse(Path(raw_dir) / CORPORA[corpus][split])
    if corpus == "bc5cdr" and split == "train":
        # The shared training file holds 1,000 documents: the 500 of the training set and,
        # again, the 500 of the development set. Train means the 500 that are not dev.
        dev = {d.pmid for d in parse(Path(raw_dir) / CORPORA[corpus]["dev"])}
        docs = [d for d in docs if d.pmid not in dev]
    return docs


def test_pmids(raw_dir: Path) -> set[str]:
    """PMIDs of every test split: never trained on, whichever corpus brings them."""
    return {
        d.pmid for corpus, splits in CORPORA.items() for s in splits if s == "test" for d in load(raw_dir, corpus, s)
    }
