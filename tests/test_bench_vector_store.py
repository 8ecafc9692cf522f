"""``bench vector-store`` on a small size: both storages measured, the move and the compaction complete, float16
checked."""

from __future__ import annotations

import json
from pathlib import Path

from bench.cli import main


def test_a_small_run_measures_both_storages_and_saves_them(tmp_path: Path, capsys) -> None:
    argv = ["vector-store", "--vectors", "3000", "--repeats", "1", "--draws", "2", "--queries", "5"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    saved = json.loads((tmp_path / "vector-store.json").read_text())
    blobs, shards = saved["figures"]["storage"]
    assert (blobs["storage"], shards["storage"]) == ("blobs", "shards")
    assert shards["shard_bytes"] == 3000 * 384 * 2 and blobs["shard_bytes"] == 0
    assert blobs["after_move"]["shard_bytes"] == shards["shard_bytes"]  # every BLOB vector moved
    assert shards["bytes_per_vector"] < blobs["bytes_per_vector"]
    assert shards["compacted"] == {"shards": 1, "rows": 900, "bytes": 900 * 384 * 2}  # 30% of the records deleted
    assert shards["after_compaction"]["shard_bytes"] == 2100 * 384 * 2
    assert saved["figures"]["float16"]["synthetic"]["min_cosine"] >= 0.9999
    assert "Vector storage" in capsys.readouterr().out
