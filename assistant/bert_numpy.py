"""A NumPy forward pass for sentence-transformers BERT models (mean pooling, normalised).

Why: importing sentence-transformers and torch takes ~10 s on these machines, longer than a whole
cold `study ask` may take, and one torch forward for a short question costs ~16 ms. This encoder
reads the same safetensors weights and tokenizer.json and computes the same embeddings (cosine
> 0.9999 with sentence-transformers, checked by tests) with NumPy in a few milliseconds, importing
in well under a second. It serves questions and statement lines; bulk ingest stays on
sentence-transformers. Models it does not understand are left to sentence-transformers.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

_INV_SQRT2 = float(1.0 / np.sqrt(2.0))


class UnsupportedModel(Exception):
    pass


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class NumpyBertEncoder:
    """Mean-pooled, L2-normalised BERT sentence embeddings computed with NumPy."""

    def __init__(self, model_dir: str | Path, load_weights: bool = True) -> None:
        model_dir = Path(model_dir)
        try:
            config = json.loads((model_dir / "config.json").read_text())
            modules = json.loads((model_dir / "modules.json").read_text())
            pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
            st_config = json.loads((model_dir / "sentence_bert_config.json").read_text())
        except (OSError, ValueError) as error:
            raise UnsupportedModel(f"not a sentence-transformers folder: {error}") from error
        kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
        if (
            config.get("model_type") != "bert"
            or config.get("hidden_act") != "gelu"
            or config.get("position_embedding_type", "absolute") != "absolute"
            or kinds not in (["Transformer", "Pooling", "Normalize"], ["Transformer", "Pooling"])
            or not pooling.get("pooling_mode_mean_tokens")
            or any(
                pooling.get(k)
                for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens")
            )
            or not (model_dir / "model.safetensors").exists()
            or not (model_dir / "tokenizer.json").exists()
        ):
            raise UnsupportedModel("only BERT models with mean pooling are computed with NumPy")
        from .embeddings import offline_environment

        offline_environment()
        from tokenizers import Tokenizer

        self.normalize = kinds[-1] == "Normalize"
        self.hidden = int(config["hidden_size"])
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.max_length = int(st_config.get("max_seq_length", 256))
        self.tokenizer.enable_truncation(max_length=self.max_length)
        self.tokenizer.no_padding()
        self._lock = threading.Lock()
        if load_weights:
            self._load_weights(model_dir, config)

    def _load_weights(self, model_dir: Path, config: dict) -> None:
        from safetensors.numpy import load_file
        from scipy.special import erf

        self._erf = erf
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        weights = load_file(str(model_dir / "model.safetensors"))
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""
        self.w = {k[len(prefix) :]: v.astype(np.float32) for k, v in weights.items() if k.startswith(prefix)}
        # Query, key and value as one matrix: one matmul instead of three.
        for layer in range(self.layers):
            base = f"encoder.layer.{layer}.attention.self."
            self.w[f"{base}qkv.weight"] = np.concatenate(
                [self.w[f"{base}{n}.weight"] for n in ("query", "key", "value")], axis=0
            ).T.copy()
            self.w[f"{base}qkv.bias"] = np.concatenate([self.w[f"{base}{n}.bias"] for n in ("query", "key", "value")])
            for name in ("attention.output.dense", "intermediate.dense", "output.dense"):
                key = f"encoder.layer.{layer}.{name}.weight"
                self.w[key + ".T"] = self.w[key].T.copy()

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.w
        batch, length = ids.shape
        x = w["embeddings.word_embeddings.weight"][ids]
        x = x + w["embeddings.position_embeddings.weight"][:length][None, :, :]
        x = x + w["embeddings.token_type_embeddings.weight"][0][None, None, :]
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        hidden = x.shape[-1]
        head_dim = hidden // self.heads
        additive = (1.0 - mask[:, None, None, :].astype(np.float32)) * -1e9
        scale = float(1.0 / np.sqrt(head_dim))
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."
            qkv = x @ w[p + "attention.self.qkv.weight"] + w[p + "attention.self.qkv.bias"]
            qkv = qkv.reshape(batch, length, 3, self.heads, head_dim).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + additive
            scores = scores - scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
            attention = context @ w[p + "attention.output.dense.weight.T"] + w[p + "attention.output.dense.bias"]
            x = _layer_norm(
                x + attention,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                self.eps,
            )
            inner = x @ w[p + "intermediate.dense.weight.T"] + w[p + "intermediate.dense.bias"]
            inner = 0.5 * inner * (1.0 + self._erf(inner * _INV_SQRT2))
            out = inner @ w[p + "output.dense.weight.T"] + w[p + "output.dense.bias"]
            x = _layer_norm(x + out, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self.eps)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (x * weights).sum(1) / np.clip(weights.sum(1), 1e-9, None)
        if self.normalize:
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return pooled.astype(np.float32)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.hidden), np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        out = np.zeros((len(texts), self.hidden), np.float32)
        # Similar lengths together: less padding, less work.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), batch_size):
            group = order[start : start + batch_size]
            length = max(len(encodings[i].ids) for i in group)
            ids = np.zeros((len(group), length), np.int64)
            mask = np.zeros((len(group), length), np.int64)
            for row, i in enumerate(group):
                tokens = encodings[i].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            out[group] = self._forward(ids, mask)
        return out


def _pool(hidden: np.ndarray, mask: np.ndarray, normalize: bool) -> np.ndarray:
    weights = mask[:, :, None].astype(np.float32)
    pooled = (hidden * weights).sum(1) / np.clip(weights.sum(1), 1e-9, None)
    if normalize:
        pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
    return pooled.astype(np.float32)


class OnnxBertEncoder(NumpyBertEncoder):
    """The same model run by onnxruntime from an exported graph: ~2.5x faster per question here."""

    def __init__(self, model_dir: str | Path, onnx_path: str | Path) -> None:
        super().__init__(model_dir, load_weights=False)
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        hidden = self.session.run(None, {"ids": ids, "mask": mask})[0]
        return _pool(hidden, mask, self.normalize)


def export_onnx(model_dir: str | Path, target: Path) -> bool:
    """Export a BERT sentence-transformers model to ONNX (needs torch, transformers and onnx; done
    once, during an ingest that has loaded torch anyway). Returns whether it worked."""
    try:
        NumpyBertEncoder(model_dir, load_weights=False)  # only models the pooling code understands
        import torch

        from .embeddings import offline_environment

        offline_environment()
        from transformers import AutoModel

        model = AutoModel.from_pretrained(str(model_dir)).eval()

        class LastHiddenState(torch.nn.Module):
            def __init__(self, inner):
                super().__init__()
                self.inner = inner

            def forward(self, ids, mask):
                return self.inner(input_ids=ids, attention_mask=mask).last_hidden_state

        ids = torch.ones((1, 8), dtype=torch.int64)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                LastHiddenState(model),
                (ids, torch.ones_like(ids)),
                str(partial),
                input_names=["ids", "mask"],
                output_names=["hidden"],
                dynamic_axes={
                    "ids": {0: "batch", 1: "length"},
                    "mask": {0: "batch", 1: "length"},
                    "hidden": {0: "batch", 1: "length"},
                },
                opset_version=17,
                dynamo=False,
            )
        partial.replace(target)
        return True
    except Exception as error:  # optional speed-up: any failure leaves the NumPy encoder in charge
        logger.warning(
            "ONNX export of the query encoder failed (%s: %s); questions use the NumPy encoder",
            type(error).__name__,
            error,
        )
        return False
