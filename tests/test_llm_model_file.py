"""Joining the bundled model's parts: streamed through a temporary file, kept only with the right SHA-256."""

from __future__ import annotations

import hashlib

import pytest

from retrieval.answers.llm import model_file
from retrieval.answers.llm.model_file import ModelFileError, assemble, part_files


def write_parts(folder, contents: list[bytes]):
    folder.mkdir()
    paths = []
    for i, data in enumerate(contents, start=1):
        path = folder / f"part{i:02d}.bin"
        path.write_bytes(data)
        paths.append(path)
    return paths


def test_parts_are_joined_in_order_when_the_hash_matches(tmp_path, monkeypatch):
    monkeypatch.setattr(model_file, "COPY_BLOCK", 3)  # several blocks per part
    contents = [b"GGUF-first-", b"second-", b"third"]
    parts = write_parts(tmp_path / "parts", contents)
    target = tmp_path / "models" / "joined.gguf"
    assemble(parts, target, hashlib.sha256(b"".join(contents)).hexdigest())
    assert target.read_bytes() == b"GGUF-first-second-third"
    assert [p.name for p in target.parent.iterdir()] == ["joined.gguf"]


def test_a_wrong_hash_is_a_clear_error_and_leaves_no_file(tmp_path):
    parts = write_parts(tmp_path / "parts", [b"damaged", b"bytes"])
    target = tmp_path / "models" / "joined.gguf"
    with pytest.raises(ModelFileError, match="reinstall the model packages"):
        assemble(parts, target, "0" * 64)
    assert list(target.parent.iterdir()) == []


def test_the_installed_part_packages_are_found_in_order():
    parts = part_files()
    assert len(parts) == 22
    assert [p.name for p in parts] == [f"part{i:02d}.bin" for i in range(1, 23)]
    assert all(p.is_file() for p in parts)


def test_a_verified_model_is_not_rehashed(tmp_path, monkeypatch):
    """The marker ties the hash to the file's size and time: a later load trusts it, a changed file does not."""
    target = tmp_path / model_file.BUNDLED_MODEL_NAME
    target.write_bytes(b"pretend model")
    model_file._write_marker(target)
    monkeypatch.setattr(model_file, "_copy_hashing", lambda *a: pytest.fail("a verified model was rehashed"))
    assert model_file.bundled_model_path(tmp_path) == target
    target.write_bytes(b"pretend model, changed")
    assert not model_file._is_verified(target)
