"""One typed settings object for the whole of MedLit.

Every entry point (the ingest CLI, the retrieval CLI, the Streamlit pages, the
benchmarks) reads its configuration from here, so an environment variable such
as ``MEDLIT_DATA_DIR`` means the same thing everywhere.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from retrieval.errors import UserError

DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"
NCBI_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
NLM_UPDATE_FILES_URL = "https://ftp.ncbi.nlm.nih.gov/pubmed/updatefiles/"


class Settings(BaseSettings):
    """Configuration read from ``MEDLIT_*`` environment variables (or a ``.env`` file)."""

    model_config = SettingsConfigDict(env_prefix="MEDLIT_", env_file=".env", extra="ignore")

    # Library location
    data_dir: Path = Field(Path("data"), description="Folder holding the SQLite store, FAISS index and models.")

    # Embeddings
    embedding_model: str = Field(
        DEFAULT_EMBEDDING_MODEL,
        description="Sentence-transformers model: the bundled all-MiniLM-L6-v2, or a local model folder.",
    )
    # int8 embeds 1.25x faster than float32 with the same retrieval quality within measurement noise
    # (bench quality, PubMedQA and paraphrases); "torch" is the float32 reference.
    embedding_backend: Literal["torch", "torch-int8"] = "torch-int8"
    # Where vectors are computed. On CUDA the model runs in float16, whose vectors match float32's (cosine
    # >= 0.9999), so a GPU-built library is a "torch" library that any CPU can query; torch-int8 is a CPU
    # speed trade only.
    embedding_device: Literal["auto", "cpu", "cuda"] = Field(
        "auto", description="auto: cuda when torch sees a CUDA GPU, else cpu."
    )
    # Small batches are faster on CPU: from 32 texts of 256 tokens on, each layer's activations outgrow
    # malloc's reusable heap and are mapped and unmapped per call (25 vs 32 chunks/s here, see bench speed).
    embedding_batch_size: int = 16
    embedding_threads: int = 0  # 0: one per core
    chunk_tokens: int = Field(256, description="Upper bound of word-piece tokens in one embedded chunk.")

    # FAISS
    # Measured by `python -m bench scale`: exact search costs about 30 ms p95 per 100k vectors on one
    # core, IVF-SQ8 about 4 ms at 100k and 1M vectors with recall@10 of 0.98 against exact search.
    approx_index_min_vectors: int = Field(
        100_000, description="From this many vectors on, the library uses an approximate (IVF-SQ8) index."
    )
    ivf_nprobe: int = 16
    # Where chunk vectors are kept: float32 BLOBs in the SQLite store while the library is small, float16 shard
    # files beside it from this many chunks on (retrieval.library.vector_shards). Measured by `python -m bench
    # vector-store` (docs/scale.md): shards take 768 bytes a vector against about 2,000 as BLOBs and read back
    # faster at every size, so what BLOBs keep for a small library is one self-contained file of exact float32
    # vectors, at a cost under 200 MB. From 100,000 on (where the index stops holding a float32 copy too) the
    # bytes count, and moving a library's BLOBs there at its next ingest takes seconds (2.8 s measured).
    vector_shards_min_vectors: int = Field(
        100_000, description="From this many chunks on, vectors are kept as float16 shards beside the store."
    )
    # Shards are append-only, so the rows of replaced or deleted chunks stay in them. At the end of each ingest
    # a shard whose dead rows exceed this share of its rows is rewritten with its live rows only: a library
    # updated daily stays within about this share of its live size, and a shard is copied only once enough of
    # it is dead to be worth a full read and write (768 MiB for a full shard).
    vector_shard_compact_dead_share: float = Field(
        0.25,
        ge=0.0,
        le=1.0,
        description="A vector shard is compacted once more than this share of its rows belong to no chunk.",
    )

    # Keyword (BM25) leg, retrieval.library.keyword. FTS5 needs nothing installed and holds up to some hundred
    # thousand records; tantivy (the optional extra, `make install-tantivy`) holds at a million (docs/scale.md).
    # A library keeps the engine it was first filled with; `python -m ingest keyword-index` switches it.
    # opensearch (`make install-opensearch`) keeps the index on an OpenSearch server or cluster
    # (deploy/opensearch/compose.yaml runs one), one index per library.
    keyword_engine: Literal["fts5", "tantivy", "opensearch"] = Field(
        "fts5",
        description="Engine of the keyword leg for a new library: fts5 (SQLite), tantivy or opensearch (extras).",
    )
    opensearch_url: str = Field("http://127.0.0.1:9200", description="The OpenSearch server of the opensearch engine.")
    opensearch_index: str = Field(
        "", description="The library's OpenSearch index; empty: a name made from the library folder."
    )

    # Entities (retrieval.library.entities)
    extract_entities: bool = Field(
        True, description="Ingest finds the chemicals and diseases of each article (the Drugs and Diseases facets)."
    )

    # NCBI E-utilities
    eutils_url: str = NCBI_EUTILS_URL
    email: str | None = None
    api_key: str | None = None
    eutils_batch_size: int = 200
    eutils_timeout_s: float = 30.0
    eutils_max_retries: int = 6
    eutils_backoff_s: float = 1.0
    eutils_max_window: int = Field(
        9999, description="Most PMIDs one esearch can list; larger result sets are fetched in date windows."
    )

    # `python -m ingest update`: where NLM's daily update files are listed (a mirror, or a file:// folder)
    update_mirror_url: str = NLM_UPDATE_FILES_URL

    # Answer generation
    llm_provider: Literal["llamacpp", "ollama", "openai"] = "llamacpp"
    llm_model: str = Field(
        "", description="GGUF path (llamacpp), model name (ollama/openai); empty: the bundled Qwen2.5 1.5B GGUF."
    )
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    # The defaults fit the local model on 2 cores: it reads ~65 prompt tokens/s and writes ~18 tokens/s, so
    # 3 articles in 150 tokens show the first word within ~5 s and a 200-token answer is done in ~15 s.
    # A faster machine or a served model can read more evidence.
    llm_max_tokens: int = 200
    llm_context_tokens: int = 4096
    llm_threads: int = 0
    llm_articles: int = Field(3, description="Top articles whose sentences the model reads.")
    llm_evidence_tokens: int = Field(
        150, description="Abstract text given to the model, in tokens, shared by its articles: less answers sooner."
    )

    # Patient-data guard: a remote language model never gets a question with identifiers. Set this to
    # guard a model on this machine too (an ollama or OpenAI-compatible server on the loopback address).
    guard_local_llm: bool = False

    # Web app
    max_upload_mb: int = 200
    # A team server (sign-in configured in .streamlit/secrets.toml): these people are always admins.
    admin_emails: tuple[str, ...] = ()

    @property
    def db_path(self) -> Path:
        return self.data_dir / "library.sqlite"

    @property
    def index_path(self) -> Path:
        return self.data_dir / "index.faiss"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def cpu_threads(self) -> int:
        return self.embedding_threads or os.cpu_count() or 1


def get_settings() -> Settings:
    """Fresh settings from the current environment (tests change it between calls).

    A value that does not fit its setting is the user's to fix, so it is a
    ``UserError`` naming the variable, not a validation report.
    """
    try:
        return Settings()
    except ValidationError as error:
        problem = error.errors()[0]
        name = "MEDLIT_" + "_".join(str(part) for part in problem["loc"]).upper()
        raise UserError(f"{name}={problem['input']!r} is not valid ({problem['msg']}); fix it or unset it.") from None
