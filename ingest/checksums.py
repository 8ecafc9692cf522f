"""MD5 side files of NLM's baseline and update files: a download is used only once it is known to be whole."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from retrieval.errors import UserError

CHUNK = 1024 * 1024
SIDE_FILE = re.compile(r"MD5\s*\((?P<name>[^)]*)\)\s*=\s*(?P<digest>[0-9a-fA-F]{32})")


class ChecksumError(UserError):
    """A file's MD5 differs from the one NLM published for it: the download is damaged or incomplete."""


def md5_of(path: Path) -> str:
    """Hex MD5 of the file, read in 1 MB chunks (baseline files are too large to read at once)."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def expected_md5(side_file: Path) -> str:
    """The digest written in an NLM side file (``MD5(pubmed26n1334.xml.gz)= 3cf5...``); a bare digest also works."""
    text = side_file.read_text(encoding="ascii", errors="replace").strip()
    found = SIDE_FILE.search(text) or re.fullmatch(r"(?P<digest>[0-9a-fA-F]{32})(?:\s+\S+)?", text)
    if not found:
        raise ChecksumError(f"{side_file} does not hold an MD5 digest; download it again from NLM.")
    return found.group("digest").lower()


def verify_md5(path: Path) -> bool:
    """Check ``path`` against ``<path>.md5`` when NLM's side file is there.

    Returns False when there is no side file (nothing to check), True when the
    digest matches, and raises ``ChecksumError`` when it does not.
    """
    side_file = path.with_name(path.name + ".md5")
    if not side_file.exists():
        return False
    expected = expected_md5(side_file)
    actual = md5_of(path)
    if actual != expected:
        raise ChecksumError(
            f"{path.name} is damaged or incomplete: its MD5 is {actual} but {side_file.name} says {expected}; "
            "delete it and download it again."
        )
    return True
