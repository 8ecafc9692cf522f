"""Experiment: a token-classification head on the frozen embedding model's token outputs.

MedLit already runs all-MiniLM-L6-v2 over every chunk it ingests; a head on those token
outputs would recognise entities for almost nothing more. This module measures that option
against the spaCy pipeline: ``python -m retrieval.library.entities.minilm_head`` caches the
token outputs of BC5CDR train and dev, fits a linear and a small two-layer head (BIO tags per
word piece) on train and prints strict mention scores on dev.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from retrieval.library.entities import pubtator
from retrieval.library.entities.scoring import mention_scores

LABELS = ["O", "B-Chemical", "I-Chemical", "B-Disease", "I-Disease"]
WINDOW = 256


def _model():
    import torch
    from transformers import AutoModel, AutoTokenizer

    from retrieval.library.embedding import model_path
    from retrieval.settings import DEFAULT_EMBEDDING_MODEL

    path = model_path(DEFAULT_EMBEDDING_MODEL)
    torch.set_num_threads(1)
    return AutoTokenizer.from_pretrained(str(path)), AutoModel.from_pretrained(str(path)).eval()


def features(docs: list[pubtator.Document], tok, model) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per document: token outputs (n, 384), character offsets (n, 2) and BIO labels (n,)."""
    import torch

    out = []
    for d in docs:
        enc = tok(d.text, return_offsets_mapping=True, truncation=True, max_length=512, add_special_tokens=True)
        ids, offsets = enc["input_ids"], enc["offset_mapping"]
        with torch.inference_mode():
            hidden = model(input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long))
        h = hidden.last_hidden_state[0, 1:-1].numpy()
        off = np.array(offsets[1:-1])
        y = np.zeros(len(off), dtype=np.int64)
        for m in d.mentions:
            inside = np.where((off[:, 0] >= m.start) & (off[:, 1] <= m.end) & (off[:, 1] > off[:, 0]))[0]
            if len(inside):
                base = 1 if m.type == pubtator.CHEMICAL else 3
                y[inside] = base + 1
                y[inside[0]] = base
        out.append((h.astype(np.float32), off, y))
    return out


def decode(off: np.ndarray, tags: np.ndarray, text: str) -> list[tuple[int, int, str]]:
    spans = []
    cur = None
    for (s, e), t in zip(off, tags, strict=True):
        label = LABELS[t]
        if label == "O":
            cur = None
            continue
        kind = label[2:]
        if label.startswith("B") or cur is None or cur[2] != kind or s > cur[1] + 1:
            cur = [s, e, kind]
            spans.append(cur)
        else:
            cur[1] = e
    return [(s, e, k) for s, e, k in spans]


def main(argv: list[str] | None = None) -> int:
    import torch

    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", type=Path, default=Path("../shared/data/raw"))
    ap.add_argument("--train-docs", type=int, default=None, help="the first N BC5CDR train abstracts (default all)")
    ap.add_argument("--dev-docs", type=int, default=None, help="the first N BC5CDR dev abstracts (default all)")
    ap.add_argument("--epochs", type=int, default=15)
    args = ap.parse_args(argv)
    train = pubtator.load(args.raw, "bc5cdr", "train")[: args.train_docs]
    dev = pubtator.load(args.raw, "bc5cdr", "dev")[: args.dev_docs]
    tok, model = _model()
    started = time.process_time()
    ftrain = features(train, tok, model)
    fdev = features(dev, tok, model)
    per_doc = (time.process_time() - started) / (len(train) + len(dev))
    print(f"forward pass: {per_doc:.3f} CPU seconds per abstract", flush=True)
    x = torch.tensor(np.concatenate([f[0] for f in ftrain]))
    y = torch.tensor(np.concatenate([f[2] for f in ftrain]))
    results = {"forward_cpu_seconds_per_abstract": round(per_doc, 4), "train_docs": len(train), "dev_docs": len(dev)}
    for name, hidden in [("linear", 0), ("mlp-256", 256)]:
        torch.manual_seed(0)
        head = (
            torch.nn.Linear(384, len(LABELS))
            if not hidden
            else torch.nn.Sequential(
                torch.nn.Linear(384, hidden),
                torch.nn.GELU(),
                torch.nn.Dropout(0.1),
                torch.nn.Linear(hidden, len(LABELS)),
            )
        )
        opt = torch.optim.AdamW(head.parameters(), lr=2e-3, weight_decay=1e-4)
        for _epoch in range(args.epochs):
            perm = torch.randperm(len(x))
            head.train()
            for i in range(0, len(x), 256):
                idx = perm[i : i + 256]
                loss = torch.nn.functional.cross_entropy(head(x[idx]), y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
        head.eval()
        pred = []
        with torch.no_grad():
            for (h, off, _), d in zip(fdev, dev, strict=True):
                pred.append(decode(off, head(torch.tensor(h)).argmax(-1).numpy(), d.text))
        scores = mention_scores(
            [[(m.start, m.end, m.type) for m in d.mentions] for d in dev], pred, (pubtator.CHEMICAL, pubtator.DISEASE)
        )
        results[name] = scores
        print(name, json.dumps(scores), flush=True)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
