"""The optional model judge: a sentence-embedding model, and an NLI cross-encoder when the
user has one, both ONNX files run with onnxruntime on the CPU.

The built-in judge reads words; a model reads meaning ("a fifth" and "20%", "scrapped" and
"abolished"). The judging asks it two things (:class:`~citeaudit.meaning.judgement.Scorer`):
how close a claim's sentence embedding is to each candidate passage's (cosine), and, with
an NLI model, how likely each passage entails or contradicts the claim. No PyTorch: the
models are exported to ONNX, and onnxruntime, tokenizers and numpy (``citeaudit[models]``)
are imported only when a model is loaded, never when citeaudit is.

A model folder holds ``model.onnx`` (or ``onnx/model.onnx``) and ``tokenizer.json``; an
embedding model may add sentence-transformers' ``modules.json``, ``1_Pooling/config.json``
(mean, CLS or max pooling) and ``sentence_bert_config.json`` (its longest input); an NLI
model needs ``config.json`` whose ``id2label`` names entailment, neutral and contradiction
(in any case and order). A model named on the hub (``owner/name``) is downloaded once into
the cache (:mod:`citeaudit.meaning.hub`).

``calibration_model.json`` (beside this module) holds the thresholds measured for the
default model on the labelled set (``bench/meaning/bench_model.py --write-calibration``
writes it, ``bench/meaning/MODEL.md`` says how well they hold; the judging reads it)::

    {
      "model": "paraphrase-MiniLM-L3-v2",  # the model they hold for (Scorer.name)
      "similarity_supported": 0.7,         # best cosine at or above which the model alone
                                           # would call the claim supported
      "similarity_related": 0.437,         # best cosine below which no passage is on the
                                           # claim's subject (a sign of not_supported)
      "pairs_per_claim": 8,                # candidate passages (BM25) scored per claim
      "measured_on": "calibrate",          # the split the thresholds were chosen on
      "heldout_precision_supported": 0.56, # precision of "supported" on the held-out split
      "heldout_auc": 0.54                  # supported vs not_supported there (0.5: chance)
    }

Similarity alone separates supported from not supported claims barely better than chance
on that set, so the judging may take it as a hint, never as a verdict of its own; and a
different model needs thresholds of its own (use them only when ``model`` is the
scorer's name).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from citeaudit.errors import ModelError

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from tokenizers import Encoding, Tokenizer

    from citeaudit.meaning.hub import HubSettings

#: Where the optional runtime comes from, as the error says.
INSTALL_HINT = "pip install 'citeaudit[models]'"
#: Longest input, in tokens, whatever a model's files allow.
MAX_TOKENS = 512
#: Sequences run through a model at once.
BATCH = 16
#: Threads of one model's operators (the machine the judge is meant for has 2 cores).
THREADS = 2
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
#: Progress of a download: (what, bytes done, bytes in all; 0 when not known yet).
Progress = Callable[[str, int, int], None]


def _runtime() -> tuple[Any, Any]:
    """onnxruntime and numpy, imported now (they are optional); ModelError without them."""
    try:
        import numpy
        import onnxruntime  # type: ignore[import-untyped]
        import tokenizers  # noqa: F401
    except ImportError as exc:
        raise ModelError(
            f"the model judge needs onnxruntime, tokenizers and numpy ({exc.name} is missing)",
            hint=f"install them with: {INSTALL_HINT}; until then the built-in judge decides alone",
        ) from None
    return onnxruntime, numpy


def _json(path: Path) -> dict[str, Any]:
    """A JSON object from a model folder; {} when the file is absent."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"{path} is not readable JSON: {exc}",
            hint="download the model again, or fix the file",
        ) from None
    return data if isinstance(data, dict) else {}


def _onnx_file(folder: Path) -> Path:
    for candidate in (folder / "model.onnx", folder / "onnx" / "model.onnx"):
        if candidate.is_file():
            return candidate
    raise ModelError(
        f"{folder} holds no model.onnx (nor onnx/model.onnx)",
        hint="give a folder with an ONNX export of the model and its tokenizer.json, "
        "or a model name on the hub (owner/name)",
    )


def _tokenizer(folder: Path, longest: int) -> Tokenizer:
    """The folder's tokenizer, truncating at ``longest`` tokens and padding to the longest
    sequence of a batch."""
    from tokenizers import Tokenizer

    path = folder / "tokenizer.json"
    if not path.is_file():
        raise ModelError(
            f"{folder} holds no tokenizer.json",
            hint="save the model's fast tokenizer there (tokenizer.json), beside model.onnx",
        )
    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as exc:  # the Rust side raises plain Exceptions
        raise ModelError(
            f"{path} is not a tokenizer the tokenizers library can read: {exc}",
            hint="download the model again, or save its tokenizer.json anew",
        ) from None
    truncation = tokenizer.truncation or {}
    limit = int(truncation.get("max_length") or longest)
    tokenizer.enable_truncation(max(2, min(limit, longest)))
    padding = tokenizer.padding or {}
    pad_token = str(padding.get("pad_token") or "[PAD]")
    pad_id = padding.get("pad_id")
    if pad_id is None:
        pad_id = tokenizer.token_to_id(pad_token) or 0
    tokenizer.enable_padding(pad_id=int(pad_id), pad_token=pad_token)  # to the longest
    return tokenizer


def _longest(folder: Path, config: dict[str, Any]) -> int:
    """Most tokens the model takes: sentence-transformers' max_seq_length, else its
    position embeddings, never more than MAX_TOKENS."""
    longest = MAX_TOKENS
    positions = config.get("max_position_embeddings")
    if isinstance(positions, int) and positions > 2:
        longest = min(longest, positions)
    seq = _json(folder / "sentence_bert_config.json").get("max_seq_length")
    if isinstance(seq, int) and seq > 2:
        longest = min(longest, seq)
    return longest


class _Model:
    """One ONNX session and its tokenizer: texts (or text pairs) in, the chosen output's
    array out, batch by batch."""

    def __init__(self, folder: Path, output: Callable[[list[Any]], tuple[str, int]]) -> None:
        ort, self.np = _runtime()
        self.folder = folder
        self.config = _json(folder / "config.json")
        path = _onnx_file(folder)
        self.tokenizer = _tokenizer(folder, _longest(folder, self.config))
        options = ort.SessionOptions()
        options.intra_op_num_threads = THREADS
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(
                str(path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own classes, from Exception
            raise ModelError(
                f"{path} is not an ONNX model onnxruntime can load: {_short(exc)}",
                hint="download the model again (delete the folder if it is in the cache), or "
                "export it anew",
            ) from None
        self.inputs: list[tuple[str, str]] = []
        for declared in self.session.get_inputs():
            if declared.name not in _INPUTS:
                raise ModelError(
                    f"{path} asks for an input named {declared.name!r}; citeaudit feeds only "
                    f"{', '.join(_INPUTS)}",
                    hint="use a BERT-style ONNX export (input_ids, attention_mask)",
                )
            dtype = "int32" if "int32" in str(declared.type) else "int64"
            self.inputs.append((declared.name, dtype))
        self.output, self.rank = output(self.session.get_outputs())

    def run(self, encodings: Sequence[Encoding]) -> tuple[NDArray[Any], NDArray[Any]]:
        """The output for a batch of encodings, and its attention mask."""
        np = self.np
        columns = {
            "input_ids": [e.ids for e in encodings],
            "attention_mask": [e.attention_mask for e in encodings],
            "token_type_ids": [e.type_ids for e in encodings],
        }
        mask = np.asarray(columns["attention_mask"], dtype=np.int64)
        feed = {name: np.asarray(columns[name], dtype=dtype) for name, dtype in self.inputs}
        try:
            (result,) = self.session.run([self.output], feed)
        except Exception as exc:
            raise ModelError(
                f"{self.folder} failed on its input: {_short(exc)}",
                hint="check that the model and its tokenizer.json belong together",
            ) from None
        array = np.asarray(result, dtype=np.float64)
        if array.ndim != self.rank or array.shape[0] != len(encodings):
            raise ModelError(
                f"{self.folder}: output {self.output!r} has shape {array.shape}, which does "
                "not fit",
                hint="use an export whose output is the token embeddings (last_hidden_state) "
                "or, for NLI, the logits of 3 labels",
            )
        return array, mask

    def batches(self, items: Sequence[str | tuple[str, str]]) -> list[Sequence[Encoding]]:
        encoded = self.tokenizer.encode_batch(list(items))
        return [encoded[i : i + BATCH] for i in range(0, len(encoded), BATCH)]


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:300] + ("..." if len(text) > 300 else "")


def _embedding_output(outputs: list[Any]) -> tuple[str, int]:
    """Which output carries the embeddings: token embeddings (rank 3, pooled here) by
    preference, else an already pooled sentence embedding (rank 2)."""
    ranked = [(o.name, len(o.shape or ())) for o in outputs]
    for wanted in ("last_hidden_state", "token_embeddings"):
        for name, rank in ranked:
            if name == wanted and rank == 3:
                return name, 3
    for name, rank in ranked:
        if rank == 3:
            return name, 3
    for name, rank in ranked:
        if rank == 2 and "embedding" in name:
            return name, 2
    raise ModelError(
        f"the model's outputs ({', '.join(f'{n} of rank {r}' for n, r in ranked)}) hold no "
        "token or sentence embeddings",
        hint="use an export whose output is last_hidden_state (batch, tokens, dimensions)",
    )


def _logits_output(outputs: list[Any]) -> tuple[str, int]:
    """Which output carries the NLI logits: ``logits``, else the one of shape (batch, 3)."""
    for o in outputs:
        if o.name == "logits" and len(o.shape or ()) == 2:
            return o.name, 2
    for o in outputs:
        shape: list[Any] = list(o.shape or ())
        if len(shape) == 2 and shape[-1] == 3:
            return o.name, 2
    raise ModelError(
        f"the NLI model's outputs ({', '.join(o.name for o in outputs)}) hold no logits of "
        "3 labels",
        hint="use an NLI cross-encoder exported with its classification head (logits)",
    )


Pooling = Literal["mean", "cls", "max"]


def _pooling(folder: Path) -> tuple[Pooling, bool]:
    """Pooling and normalisation, as sentence-transformers' files say (mean, not
    normalised, when they say nothing)."""
    modules = _json_list(folder / "modules.json")
    kinds = [str(m.get("type", "")) for m in modules if isinstance(m, dict)]
    if any(k.endswith(".Dense") for k in kinds):
        raise ModelError(
            f"{folder}: the model has a Dense layer after pooling, which is not run here",
            hint="use a sentence-embedding model whose modules are Transformer, Pooling and "
            "Normalize",
        )
    normalise = any(k.endswith(".Normalize") for k in kinds)
    pooling_dir = next(
        (str(m.get("path")) for m in modules if str(m.get("type", "")).endswith(".Pooling")),
        "1_Pooling",
    )
    pool = _json(folder / pooling_dir / "config.json")
    if pool.get("pooling_mode_cls_token"):
        return "cls", normalise
    if pool.get("pooling_mode_max_tokens") and not pool.get("pooling_mode_mean_tokens"):
        return "max", normalise
    return "mean", normalise


def _json_list(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path} is not readable JSON: {exc}", hint="fix or remove it") from None
    return [m for m in data if isinstance(m, dict)] if isinstance(data, list) else []


class Embedder:
    """A sentence-embedding model from a folder: texts to vectors."""

    def __init__(self, folder: Path) -> None:
        self.pooling, self.normalise = _pooling(folder)
        self.model = _Model(folder, _embedding_output)
        self.model.run(self.model.batches(["a probe sentence"])[0])  # outputs that fit, now

    def embed(self, texts: Sequence[str]) -> NDArray[Any]:
        """One vector a text (float64), pooled with the attention mask."""
        np = self.model.np
        parts = []
        for batch in self.model.batches(texts):
            hidden, mask = self.model.run(batch)
            if self.model.rank == 2:
                parts.append(hidden)
                continue
            if hidden.shape[1] != mask.shape[1]:
                raise ModelError(
                    f"{self.model.folder}: the output has {hidden.shape[1]} positions for "
                    f"{mask.shape[1]} tokens",
                    hint="use an export whose output is last_hidden_state",
                )
            weights = mask[:, :, None].astype(np.float64)
            if self.pooling == "cls":
                parts.append(hidden[:, 0, :])
            elif self.pooling == "max":
                parts.append(np.where(weights > 0, hidden, -np.inf).max(axis=1))
            else:
                total = (hidden * weights).sum(axis=1)
                parts.append(total / np.clip(weights.sum(axis=1), 1e-9, None))
        vectors = np.concatenate(parts, axis=0) if parts else np.zeros((0, 1))
        if self.normalise:
            vectors = vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
        return vectors


_LABELS = {"entail": 0, "neutral": 1, "contradict": 2}


def _label_order(folder: Path, config: dict[str, Any]) -> list[int]:
    """For each of (entailment, neutral, contradiction), the index of its logit."""
    id2label = config.get("id2label")
    found: dict[int, int] = {}
    if isinstance(id2label, dict):
        for key, label in id2label.items():
            word = str(label).strip().lower()
            for prefix, slot in _LABELS.items():
                if word.startswith(prefix) and str(key).isdigit():
                    found[slot] = int(key)
    if sorted(found) != [0, 1, 2] or sorted(found.values()) != [0, 1, 2]:
        raise ModelError(
            f"{folder / 'config.json'} does not name the labels entailment, neutral and "
            f"contradiction in its id2label ({id2label!r})",
            hint="use an NLI cross-encoder with three labels, and its config.json",
        )
    return [found[0], found[1], found[2]]


class NliModel:
    """An NLI cross-encoder from a folder: (premise, hypothesis) pairs to probabilities."""

    def __init__(self, folder: Path) -> None:
        self.model = _Model(folder, _logits_output)
        self.order = _label_order(folder, self.model.config)
        self.probabilities([("a premise.", "a hypothesis.")])  # outputs that fit, now

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[float, float, float]]:
        np = self.model.np
        found: list[tuple[float, float, float]] = []
        for batch in self.model.batches(pairs):
            logits, _mask = self.model.run(batch)
            if logits.shape[1] != 3:
                raise ModelError(
                    f"{self.model.folder}: {logits.shape[1]} logits for 3 labels",
                    hint="use an NLI cross-encoder with three labels",
                )
            shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
            probs = shifted / shifted.sum(axis=1, keepdims=True)
            e, n, c = self.order
            found.extend((float(r[e]), float(r[n]), float(r[c])) for r in probs)
        return found


class OnnxScorer:
    """The model judge (:class:`~citeaudit.meaning.judgement.Scorer`): an embedding model
    and, optionally, an NLI model."""

    def __init__(self, embedder: Embedder, nli: NliModel | None, name: str) -> None:
        self.embedder = embedder
        self.nli = nli
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    def similarities(self, claim: str, passages: Sequence[str]) -> list[float]:
        """Cosine of the claim's embedding with each passage's (0 for an empty vector)."""
        if not passages:
            return []
        vectors = self.embedder.embed([claim, *passages])
        np = self.embedder.model.np
        norms = np.linalg.norm(vectors, axis=1)
        first, rest = vectors[0], vectors[1:]
        found = []
        for vector, norm in zip(rest, norms[1:], strict=True):
            scale = float(norms[0] * norm)
            cosine = float(np.dot(first, vector)) / scale if scale > 0 else 0.0
            found.append(max(-1.0, min(1.0, cosine)) if math.isfinite(cosine) else 0.0)
        return found

    def entailment(
        self, claim: str, passages: Sequence[str]
    ) -> list[tuple[float, float, float]] | None:
        """(entailment, neutral, contradiction) for each passage as premise and the claim as
        hypothesis; None without an NLI model."""
        if self.nli is None:
            return None
        return self.nli.probabilities([(passage, claim) for passage in passages])


def model_name(folder: Path) -> str:
    """A folder's model as reports name it: the folder's name (its parent's for a folder
    named ``onnx``)."""
    folder = folder.resolve()
    return folder.parent.name if folder.name == "onnx" else folder.name


def _folder(
    spec: str,
    *,
    offline: bool,
    cache_dir: Path | None,
    progress: Progress | None,
    hub: HubSettings | None,
) -> tuple[Path, str]:
    """Where a model given as a folder or a hub name is (downloaded when need be), and its
    name."""
    path = Path(spec).expanduser()
    if path.is_dir():
        return path, model_name(path)
    from citeaudit.meaning import hub as hubs

    if not hubs.is_model_name(spec):
        raise ModelError(
            f"{spec!r} is neither a folder nor a model name on the hub (owner/name)",
            hint="give the folder of an ONNX model, or a name such as "
            "sentence-transformers/paraphrase-MiniLM-L3-v2",
        )
    folder = hubs.fetch_model(
        spec, offline=offline, cache_dir=cache_dir, progress=progress, settings=hub
    )
    return folder, spec.rsplit("/", 1)[-1]


def load_scorer(
    spec: str,
    *,
    offline: bool,
    cache_dir: Path | None = None,
    nli: str | None = None,
    progress: Progress | None = None,
    hub: HubSettings | None = None,
) -> OnnxScorer:
    """The model judge: the embedding model ``spec`` (a folder, or a hub name downloaded
    into the cache on first use unless ``offline``) and the NLI model ``nli`` if given.
    Raises ModelError, saying what to do, when either cannot be had."""
    _runtime()  # before any download: without the runtime it would be for nothing
    folder, name = _folder(spec, offline=offline, cache_dir=cache_dir, progress=progress, hub=hub)
    embedder = Embedder(folder)
    nli_model = None
    if nli is not None:
        nli_folder, nli_name = _folder(
            nli, offline=offline, cache_dir=cache_dir, progress=progress, hub=hub
        )
        nli_model = NliModel(nli_folder)
        name = f"{name} + {nli_name}"
    return OnnxScorer(embedder, nli_model, name)
