"""NLM .md5 side files: a good download verifies, a damaged one is named with both digests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.checksums import ChecksumError, verify_md5

SAMPLE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ncbi" / "pmparser" / "pubmed_sample"


def test_real_baseline_and_update_files_verify() -> None:
    assert verify_md5(SAMPLE / "baseline" / "pubmed26n1334.xml.gz") is True
    assert verify_md5(SAMPLE / "updatefiles" / "pubmed26n1335.xml.gz") is True


def test_missing_side_file_means_nothing_to_check(tmp_path: Path) -> None:
    copy = tmp_path / "pubmed26n1334.xml.gz"
    shutil.copy(SAMPLE / "baseline" / "pubmed26n1334.xml.gz", copy)
    assert verify_md5(copy) is False


def test_tampered_copy_fails_with_both_digests(tmp_path: Path) -> None:
    for source in (SAMPLE / "baseline" / "pubmed26n1334.xml.gz", SAMPLE / "baseline" / "pubmed26n1334.xml.gz.md5"):
        shutil.copy(source, tmp_path / source.name)
    tampered = tmp_path / "pubmed26n1334.xml.gz"
    data = bytearray(tampered.read_bytes())
    data[len(data) // 2] ^= 0xFF
    tampered.write_bytes(bytes(data))
    with pytest.raises(ChecksumError) as raised:
        verify_md5(tampered)
    message = str(raised.value)
    assert message.startswith("pubmed26n1334.xml.gz is damaged or incomplete")
    assert "3cf53ba34ff73126e42d1d8391330e73" in message  # the published digest
    assert "download it again" in message


def test_truncated_copy_fails(tmp_path: Path) -> None:
    source = SAMPLE / "updatefiles" / "pubmed26n1335.xml.gz"
    (tmp_path / source.name).write_bytes(source.read_bytes()[:-100])
    shutil.copy(source.with_name(source.name + ".md5"), tmp_path)
    with pytest.raises(ChecksumError, match="88b74979343252faa848a06d7c6aa3ea"):
        verify_md5(tmp_path / source.name)


def test_side_file_without_a_digest_is_reported(tmp_path: Path) -> None:
    target = tmp_path / "pubmed26n0001.xml.gz"
    target.write_bytes(b"data")
    (tmp_path / "pubmed26n0001.xml.gz.md5").write_text("<html>Not Found</html>")
    with pytest.raises(ChecksumError, match=r"pubmed26n0001\.xml\.gz\.md5 does not hold an MD5 digest"):
        verify_md5(target)
