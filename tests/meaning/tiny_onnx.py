"""Tiny ONNX models written on the spot, so the model judge is tested without downloading
any real one: an embedding model whose token vectors come from a small table (sentences
sharing words get close vectors, as with a real model), an NLI cross-encoder whose logits
are set by chosen words, and a word-level tokenizer trained on a few sentences."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers

SENTENCES = (
    "The council abolished the bus lane scheme in March 2023.",
    "The bus lane scheme was scrapped by the council last spring.",
    "Waiting times for mental health services rose by a fifth.",
    "The care home was rated good by inspectors in its latest report.",
    "Rail fares will rise by 4.9 per cent from March.",
    "Yes the trust met its target and no other trust did.",
    "Inspectors found that the school requires improvement.",
)
SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]")
DIM = 32
_OPSET = [helper.make_opsetid("", 17)]


def write_tokenizer(folder: Path, sentences: Sequence[str] = SENTENCES) -> Tokenizer:
    """A word-level tokenizer trained on ``sentences``, with BERT's [CLS]/[SEP] framing,
    saved as ``folder/tokenizer.json``."""
    tokenizer = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.train_from_iterator(
        sentences, trainers.WordLevelTrainer(special_tokens=list(SPECIALS))
    )
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(folder / "tokenizer.json"))
    return tokenizer


def _save(model: onnx.ModelProto, path: Path) -> Path:
    model.ir_version = 9
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    return path


def _ids(name: str) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"])


def embedding_model(
    folder: Path, *, output: str = "last_hidden_state", rank: int = 3, seed: int = 0
) -> Path:
    """An embedding model in ``folder`` (model.onnx, tokenizer.json): each token's vector is
    a row of a random table (zero for the special tokens), masked by attention_mask.
    ``rank`` 1 makes a model whose output does not fit (one number a sentence)."""
    tokenizer = write_tokenizer(folder)
    size = tokenizer.get_vocab_size()
    table = np.random.default_rng(seed).normal(size=(size, DIM)).astype(np.float32)
    table[: len(SPECIALS)] = 0.0
    nodes = [
        helper.make_node("Gather", ["table", "input_ids"], ["vectors"]),
        helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_f", "axis2"], ["mask3"]),
        helper.make_node("Mul", ["vectors", "mask3"], ["hidden" if rank != 3 else output]),
    ]
    shape: list[str | int] = ["batch", "sequence", DIM]
    if rank == 1:
        nodes.append(helper.make_node("ReduceSum", ["hidden", "axes12"], [output], keepdims=0))
        shape = ["batch"]
    graph = helper.make_graph(
        nodes,
        "tiny-embedding",
        [_ids("input_ids"), _ids("attention_mask")],
        [helper.make_tensor_value_info(output, TensorProto.FLOAT, shape)],
        [
            numpy_helper.from_array(table, "table"),
            numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2"),
            numpy_helper.from_array(np.array([1, 2], dtype=np.int64), "axes12"),
        ],
    )
    return _save(helper.make_model(graph, opset_imports=_OPSET), folder / "model.onnx")


def nli_model(
    folder: Path,
    *,
    labels: Mapping[int, str] | None = None,
    hot: Mapping[str, int] | None = None,
    logits: int = 3,
    onnx_subfolder: bool = False,
) -> Path:
    """An NLI cross-encoder in ``folder``: logits are the sum over the pair's tokens of a
    row per token, and each word of ``hot`` adds 6 to the logit at its index (so a test
    knows which label must win) while each hypothesis token adds 0.5 to logit 0 (so a test
    can tell premise from hypothesis); ``labels`` is config.json's id2label."""
    labels = labels if labels is not None else {0: "contradiction", 1: "entailment", 2: "neutral"}
    tokenizer = write_tokenizer(folder)
    size = tokenizer.get_vocab_size()
    rows = np.zeros((size, logits), dtype=np.float32)
    for word, index in (hot or {}).items():
        rows[tokenizer.token_to_id(word), index] = 6.0
    types = np.zeros((2, logits), dtype=np.float32)
    types[1, 0] = 0.5  # each token of the second segment (the hypothesis) lifts logit 0
    nodes = [
        helper.make_node("Gather", ["rows", "input_ids"], ["per_token"]),
        helper.make_node("Gather", ["types", "token_type_ids"], ["per_type"]),
        helper.make_node("Add", ["per_token", "per_type"], ["summed"]),
        helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_f", "axis2"], ["mask3"]),
        helper.make_node("Mul", ["summed", "mask3"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis1"], ["logits"], keepdims=0),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny-nli",
        [_ids("input_ids"), _ids("attention_mask"), _ids("token_type_ids")],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", logits])],
        [
            numpy_helper.from_array(rows, "rows"),
            numpy_helper.from_array(types, "types"),
            numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2"),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
        ],
    )
    config = {"id2label": {str(k): v for k, v in labels.items()}, "max_position_embeddings": 64}
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    where = folder / "onnx" / "model.onnx" if onnx_subfolder else folder / "model.onnx"
    return _save(helper.make_model(graph, opset_imports=_OPSET), where)


def pooling_files(folder: Path, *, cls: bool = False, normalise: bool = True) -> None:
    """sentence-transformers' modules.json and 1_Pooling/config.json in ``folder``."""
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {
            "idx": 1,
            "name": "1",
            "path": "1_Pooling",
            "type": "sentence_transformers.models.Pooling",
        },
    ]
    if normalise:
        modules.append(
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            }
        )
    (folder / "modules.json").write_text(json.dumps(modules), encoding="utf-8")
    (folder / "1_Pooling").mkdir(exist_ok=True)
    pooling = {
        "word_embedding_dimension": DIM,
        "pooling_mode_cls_token": cls,
        "pooling_mode_mean_tokens": not cls,
    }
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling), encoding="utf-8")
