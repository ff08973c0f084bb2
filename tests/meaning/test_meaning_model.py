"""The model judge on tiny ONNX models written by the test (tiny_onnx.py): loading from a
folder, cosine similarities and NLI probabilities as the Scorer protocol promises, batches
that give the numbers one sentence at a time gives, and a ModelError that says what to do
for every folder that cannot work. No model is downloaded and no packet leaves the
machine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from citeaudit.errors import CiteauditError, ModelError
from citeaudit.meaning import model as model_module
from citeaudit.meaning.judgement import Scorer
from citeaudit.meaning.model import (
    BATCH,
    Embedder,
    OnnxScorer,
    load_scorer,
    model_name,
)

# The tiny models live beside the tests (tests/meaning is no package).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from tiny_onnx import SENTENCES, embedding_model, nli_model, pooling_files  # noqa: E402

BUS = SENTENCES[0]  # "The council abolished the bus lane scheme in March 2023."


@pytest.fixture(scope="module")
def embedding(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models") / "tiny-embedding"
    embedding_model(folder)
    return folder


@pytest.fixture(scope="module")
def nli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models") / "tiny-nli"
    nli_model(folder, hot={"yes": 0, "inspectors": 1})
    return folder


def error_of(spec: str, **kwargs: object) -> ModelError:
    with pytest.raises(ModelError) as caught:
        load_scorer(spec, offline=True, **kwargs)  # type: ignore[arg-type]
    assert isinstance(caught.value, CiteauditError) and caught.value.exit_code == 2
    return caught.value


# --------------------------------------------------------------------------- loading


def test_a_folder_loads_as_a_scorer_named_after_it(embedding: Path) -> None:
    scorer = load_scorer(str(embedding), offline=True)
    assert isinstance(scorer, OnnxScorer)
    checked: Scorer = scorer  # the protocol the judging uses
    assert checked.name == "tiny-embedding"
    assert scorer.entailment(BUS, [BUS]) is None  # no NLI model given


def test_an_onnx_subfolder_is_found_and_named_after_its_parent(tmp_path: Path) -> None:
    folder = tmp_path / "tiny-nli"
    nli_model(folder, onnx_subfolder=True)
    assert (folder / "onnx" / "model.onnx").is_file() and not (folder / "model.onnx").exists()
    assert model_name(folder / "onnx") == "tiny-nli"
    embedding_model(tmp_path / "emb")
    both = load_scorer(str(tmp_path / "emb"), offline=True, nli=str(folder))
    assert both.name == "emb + tiny-nli"


# --------------------------------------------------------------------------- similarity


def test_sentences_sharing_words_are_closer_than_unrelated_ones(embedding: Path) -> None:
    scorer = load_scorer(str(embedding), offline=True)
    same, close, far = scorer.similarities(BUS, [BUS, SENTENCES[1], SENTENCES[4]])
    assert same == pytest.approx(1.0)
    assert close > far
    assert all(-1.0 <= value <= 1.0 for value in (same, close, far))
    assert scorer.similarities(BUS, []) == []


def test_batches_give_the_numbers_one_at_a_time_gives(embedding: Path, nli: Path) -> None:
    scorer = load_scorer(str(embedding), offline=True, nli=str(nli))
    count = len(SENTENCES)
    # Passages of many lengths, so that each batch pads most of them.
    passages = [
        " ".join(SENTENCES[j % count] for j in range(i % 4 + 1)) for i in range(BATCH * 2 + 3)
    ]
    together = scorer.similarities(BUS, passages)
    alone = [scorer.similarities(BUS, [p])[0] for p in passages]
    assert together == pytest.approx(alone, abs=1e-9)
    pairs = scorer.entailment(BUS, passages)
    single = [scorer.entailment(BUS, [p]) for p in passages]
    assert pairs is not None and len(pairs) == len(passages)
    flat = [p for probabilities in pairs for p in probabilities]
    assert flat == pytest.approx([p for s in single if s for p in s[0]], abs=1e-9)


def test_cls_pooling_and_normalisation_follow_the_sentence_transformers_files(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "cls"
    embedding_model(folder)
    pooling_files(folder, cls=True, normalise=True)
    embedder = Embedder(folder)
    assert (embedder.pooling, embedder.normalise) == ("cls", True)
    vectors = embedder.embed([BUS, SENTENCES[4]])
    # [CLS] has a zero vector in the tiny model: CLS pooling gives zeros, cosine 0.
    assert not vectors.any()
    assert load_scorer(str(folder), offline=True).similarities(BUS, [BUS]) == [0.0]
    pooling_files(folder, cls=False, normalise=True)
    vectors = Embedder(folder).embed([BUS])
    assert float((vectors**2).sum()) == pytest.approx(1.0)


# --------------------------------------------------------------------------- entailment


def test_entailment_probabilities_sum_to_one_in_the_order_config_names(
    embedding: Path, nli: Path
) -> None:
    # id2label is 0 contradiction, 1 entailment, 2 neutral; "yes" lifts logit 0 and
    # "inspectors" logit 1, so they must come out as contradiction and entailment.
    scorer = load_scorer(str(embedding), offline=True, nli=str(nli))
    found = scorer.entailment("a claim", [SENTENCES[5], SENTENCES[6], SENTENCES[4]])
    assert found is not None
    for probabilities in found:
        assert sum(probabilities) == pytest.approx(1.0)
        assert all(0.0 <= p <= 1.0 for p in probabilities)
    (e0, n0, c0), (e1, n1, c1), (e2, n2, c2) = found
    assert c0 > 0.9 and e1 > 0.9
    assert e2 == pytest.approx(n2) and c2 > e2  # the claim's two tokens lift logit 0


def test_labels_are_read_in_any_case_and_order(tmp_path: Path) -> None:
    folder = tmp_path / "upper"
    nli_model(folder, labels={0: "ENTAILMENT", 1: "Neutral", 2: "CONTRADICTION"}, hot={"yes": 0})
    embedding_model(tmp_path / "emb")
    scorer = load_scorer(str(tmp_path / "emb"), offline=True, nli=str(folder))
    found = scorer.entailment("a claim", [SENTENCES[5]])
    assert found is not None and found[0][0] > 0.9


def test_the_premise_is_the_passage_and_the_hypothesis_the_claim(
    embedding: Path, nli: Path
) -> None:
    # Each token of the second segment (the hypothesis) lifts logit 0 in the tiny model:
    # a long claim against a short passage leans further that way than the reverse.
    scorer = load_scorer(str(embedding), offline=True, nli=str(nli))
    model = model_module.NliModel(nli)
    long, short = SENTENCES[4], "fares"
    found = scorer.entailment(long, [short])
    assert found == model.probabilities([(short, long)])
    swapped = scorer.entailment(short, [long])
    assert found is not None and swapped is not None
    assert found[0][2] > swapped[0][2]  # logit 0 is contradiction in this config


# --------------------------------------------------------------------------- errors


def test_a_folder_without_model_onnx_says_what_it_needs(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    error = error_of(str(folder))
    assert "model.onnx" in error.message and error.hint and "tokenizer.json" in error.hint


def test_a_folder_without_tokenizer_json_says_so(embedding: Path, tmp_path: Path) -> None:
    folder = tmp_path / "no-tokenizer"
    folder.mkdir()
    (folder / "model.onnx").write_bytes((embedding / "model.onnx").read_bytes())
    error = error_of(str(folder))
    assert "tokenizer.json" in error.message


def test_a_corrupt_onnx_file_is_a_model_error(embedding: Path, tmp_path: Path) -> None:
    folder = tmp_path / "corrupt"
    embedding_model(folder)
    (folder / "model.onnx").write_bytes(b"this is no protobuf at all \x00\xff" * 10)
    error = error_of(str(folder))
    assert "not an ONNX model" in error.message
    assert error.hint and "again" in error.hint


def test_a_corrupt_tokenizer_is_a_model_error(tmp_path: Path) -> None:
    folder = tmp_path / "bad-tokenizer"
    embedding_model(folder)
    (folder / "tokenizer.json").write_text("{not json", encoding="utf-8")
    assert "tokenizer" in error_of(str(folder)).message


def test_an_embedding_model_whose_output_does_not_fit_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "rank1"
    embedding_model(folder, output="score", rank=1)
    error = error_of(str(folder))
    assert "outputs" in error.message and error.hint and "last_hidden_state" in error.hint


def test_an_nli_model_with_two_logits_is_refused(embedding: Path, tmp_path: Path) -> None:
    folder = tmp_path / "two"
    nli_model(folder, labels={0: "entailment", 1: "contradiction"}, logits=2)
    assert (
        "entailment, neutral and contradiction" in error_of(str(embedding), nli=str(folder)).message
    )
    config = folder / "config.json"
    config.write_text(
        json.dumps({"id2label": {"0": "entailment", "1": "neutral", "2": "contradiction"}})
    )
    assert "logits" in error_of(str(embedding), nli=str(folder)).message


def test_an_nli_model_without_labels_is_refused(embedding: Path, tmp_path: Path) -> None:
    folder = tmp_path / "nolabels"
    nli_model(folder, labels={0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"})
    error = error_of(str(embedding), nli=str(folder))
    assert "id2label" in error.message


def test_neither_a_folder_nor_a_model_name(tmp_path: Path) -> None:
    error = error_of(str(tmp_path / "missing" / "deeper" / "still"))
    assert "neither a folder nor a model name" in error.message
    assert "neither" in error_of("../escape/name").message
    assert "neither" in error_of("not a name").message


def test_without_the_runtime_the_error_says_how_to_install_it(
    embedding: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails as if absent
    error = error_of(str(embedding))
    assert "onnxruntime" in error.message
    assert error.hint and "pip install 'citeaudit[models]'" in error.hint


# --------------------------------------------------------------------------- imports


def test_importing_the_meaning_stage_loads_no_model_runtime() -> None:
    code = (
        "import sys, citeaudit.meaning, citeaudit.meaning.judgement, citeaudit.meaning.model;"
        "from citeaudit.meaning import Scorer;"
        "print(sorted(m for m in ('onnxruntime', 'tokenizers', 'numpy', 'httpx') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --------------------------------------------------------------------------- calibration


def test_the_calibration_file_has_the_keys_its_docstring_names() -> None:
    path = Path(model_module.__file__).with_name("calibration_model.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data["model"], str) and data["measured_on"] == "calibrate"
    assert 0 < data["similarity_related"] <= data["similarity_supported"] <= 1
    assert data["pairs_per_claim"] >= 1
    assert all(key in (model_module.__doc__ or "") for key in data)
