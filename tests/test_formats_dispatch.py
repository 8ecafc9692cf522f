"""Choosing the reader by file name, for files on disk and files uploaded in the web app."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ingest.formats import iter_file, iter_upload
from ingest.formats.errors import ParseError
from ingest.items import Deletion
from retrieval.errors import UserError

NCBI = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ncbi"


def test_files_are_read_by_suffix() -> None:
    assert [a.pmid for a in iter_file(NCBI / "biopython" / "Entrez" / "pubmed2.xml")] == ["11748933", "11700088"]
    update = list(iter_file(NCBI / "pmparser" / "pubmed_sample" / "updatefiles" / "pubmed26n1335.xml.gz"))
    assert isinstance(update[-1], Deletion)
    assert [a.pmid for a in iter_file(NCBI / "biopython" / "Medline" / "pubmed_result1.txt")] == ["12230038"]


def test_uploads_use_the_users_file_name(tmp_path: Path) -> None:
    medline = (NCBI / "biopython" / "Medline" / "pubmed_result2.txt").read_bytes()
    for name in ("citations.nbib", "export.MEDLINE", "pubmed.txt"):
        assert len(list(iter_upload(name, io.BytesIO(medline)))) == 4
    xml = (NCBI / "biopython" / "Entrez" / "pubmed4.xml").read_bytes()
    assert [a.pmid for a in iter_upload("efetch.XML", io.BytesIO(xml))] == ["27797938"]


def test_error_messages_carry_the_upload_name() -> None:
    with pytest.raises(ParseError, match=r"^my export\.xml is not valid XML at line 1"):
        list(iter_upload("my export.xml", io.BytesIO(b"<PubmedArticleSet><PubmedArticle>")))


@pytest.mark.parametrize("name", ["refs.ris", "refs.bib", "archive.zip", "noext", "pubmed.xml.bz2"])
def test_unsupported_names_list_what_is_supported(name: str) -> None:
    with pytest.raises(UserError, match=rf"^{name} is not a supported file type; use PubMed XML \(\.xml, \.xml\.gz\)"):
        iter_upload(name, io.BytesIO(b""))
    with pytest.raises(UserError, match="MEDLINE text"):
        iter_file(Path(name))


@pytest.mark.parametrize("name", ["missing.xml.gz", "missing.nbib"])
def test_missing_file_is_a_parse_error_naming_it(tmp_path: Path, name: str) -> None:
    with pytest.raises(ParseError, match=rf"{name} could not be read \(No such file or directory\)"):
        list(iter_file(tmp_path / name))
