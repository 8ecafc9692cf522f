"""MEDLIT_EMBEDDING_DEVICE: validated, resolved on each machine, and recorded by the library that it built.

Whether torch sees a GPU is replaced here by a stand-in, so that what a GPU
machine decides is checked on any machine; nothing here loads a model on a GPU.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.errors import UserError
from retrieval.library import Library, embedding
from retrieval.library.embedding import device_for, new_library_backend, resolve_device
from retrieval.settings import Settings, get_settings


def gpu(monkeypatch: pytest.MonkeyPatch, present: bool) -> None:
    monkeypatch.setattr(embedding, "cuda_available", lambda: present)


def test_a_device_other_than_auto_cpu_or_cuda_is_one_sentence_naming_the_variable(monkeypatch):
    monkeypatch.setenv("MEDLIT_EMBEDDING_DEVICE", "gpu")
    with pytest.raises(UserError) as raised:
        get_settings()
    assert str(raised.value) == (
        "MEDLIT_EMBEDDING_DEVICE='gpu' is not valid (Input should be 'auto', 'cpu' or 'cuda'); fix it or unset it."
    )


def test_auto_is_cuda_only_where_torch_sees_a_gpu_and_cuda_without_one_is_refused(monkeypatch):
    gpu(monkeypatch, False)
    assert (resolve_device("auto"), resolve_device("cpu")) == ("cpu", "cpu")
    with pytest.raises(UserError, match=r"^MEDLIT_EMBEDDING_DEVICE=cuda, but torch sees no CUDA GPU here; set it"):
        resolve_device("cuda")
    gpu(monkeypatch, True)
    assert (resolve_device("auto"), resolve_device("cuda"), resolve_device("cpu")) == ("cuda", "cuda", "cpu")


def test_a_new_library_on_a_gpu_gets_float32_vectors_and_int8_stays_on_cpu(monkeypatch):
    gpu(monkeypatch, True)
    assert new_library_backend(Settings(embedding_backend="torch-int8", embedding_device="auto")) == "torch"
    assert new_library_backend(Settings(embedding_backend="torch-int8", embedding_device="cpu")) == "torch-int8"
    assert (device_for("torch-int8", "auto"), device_for("torch", "auto")) == ("cpu", "cuda")
    with pytest.raises(UserError, match="torch-int8, which runs on CPU only"):
        device_for("torch-int8", "cuda")


def test_the_library_records_the_device_that_built_it(fixture_library: Library):
    assert fixture_library.store.get_meta("embedding_device") == "cpu"
    assert fixture_library.status()["embedding_device"] == "cpu"


def test_a_library_built_on_a_gpu_is_queried_on_a_cpu_with_the_same_calibration(tmp_path: Path, monkeypatch):
    gpu(monkeypatch, True)
    built = Library(Settings(data_dir=tmp_path, embedding_device="auto"))
    built._pin()  # what the first index written on a GPU machine records
    gpu(monkeypatch, False)
    queried = Library(Settings(data_dir=tmp_path, embedding_device="auto"))
    assert queried.vectors == ("all-MiniLM-L6-v2", "torch") and queried.embedding_device == "cuda"
    assert (queried.embedder.backend, queried.embedder.device) == ("torch", "cpu")


def test_a_library_from_before_devices_were_recorded_was_built_on_cpu(tmp_path: Path, monkeypatch):
    library = Library(Settings(data_dir=tmp_path, embedding_device="auto"))
    library.store.set_meta("embedding_model", "all-MiniLM-L6-v2")
    library.store.set_meta("embedding_backend", "torch")
    gpu(monkeypatch, True)
    assert library.embedding_device == "cpu"
    library._pin()
    assert library.store.get_meta("embedding_device") == "cpu"
