"""Choosing the chat model by settings, and clear one-sentence errors when it cannot be had."""

from __future__ import annotations

import socket

import pytest

from retrieval.answers.llm.answer import LanguageModelError, generate_verified
from retrieval.answers.llm.chat_model import PROVIDERS
from retrieval.library import Library
from retrieval.search.results import Hit
from retrieval.settings import Settings
from tests.library_support import HONEY, HONEY_HITS


def closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask(tmp_path, **llm) -> str:
    library = Library(Settings(data_dir=tmp_path, **llm))
    with pytest.raises(LanguageModelError) as error:
        generate_verified(library, "Does honey help cough?", HONEY_HITS)
    message = str(error.value)
    assert "Traceback" not in message and "\n" not in message
    return message


def test_every_configurable_provider_has_a_model_factory():
    assert set(PROVIDERS) == {"llamacpp", "ollama", "openai"}


def test_an_unreachable_ollama_is_one_clear_error(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}"
    message = ask(tmp_path, llm_provider="ollama", llm_model="qwen2.5:1.5b", llm_base_url=url)
    assert "ollama" in message and "MEDLIT_LLM_BASE_URL" in message


def test_an_unreachable_openai_compatible_server_is_one_clear_error(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/v1"
    message = ask(tmp_path, llm_provider="openai", llm_model="local", llm_base_url=url)
    assert "openai" in message and "MEDLIT_LLM_BASE_URL" in message


def test_a_remote_provider_needs_a_model_name(tmp_path):
    assert "MEDLIT_LLM_MODEL" in ask(tmp_path, llm_provider="openai", llm_base_url="http://127.0.0.1:9/v1")


def test_a_missing_gguf_file_is_named(tmp_path):
    message = ask(tmp_path, llm_provider="llamacpp", llm_model=str(tmp_path / "missing.gguf"))
    assert "missing.gguf" in message and "MEDLIT_LLM_MODEL" in message


def test_no_usable_evidence_means_no_generation(tmp_path):
    library = Library(Settings(data_dir=tmp_path, llm_provider="ollama", llm_base_url="http://127.0.0.1:9"))
    retracted = [Hit(HONEY.pmid, HONEY.title, 2007, "", [], "other", True, 1.0, article=HONEY)]
    draft = generate_verified(library, "Does honey help cough?", retracted)
    assert draft.sentences == [] and draft.raw == ""
