"""The n-gram classifier: trains, predicts, and round-trips without pickle."""
import io

import numpy as np
import pytest

from assistant.textmodel import TextModel, featurize, train

TEXTS = ["how much does it cost", "what is the price", "is it expensive", "does insurance pay",
         "how many sessions", "how many infusions", "number of visits needed", "how many treatments"]
LABELS = ["cost"] * 4 + ["sessions"] * 4


def test_features_are_normalised_rows():
    x = featurize(["Hello THERE", "hello there", ""])
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    assert norms[0] == pytest.approx(1.0, abs=1e-5)
    assert (x[0] != x[1]).nnz == 0  # case and spacing do not matter
    assert norms[2] == 0.0


def test_train_predict_and_round_trip(tmp_path):
    model = train(TEXTS, LABELS, c=10.0)
    probs = model.predict_proba(["what's the cost of it", "how many sessions will I need"])
    assert [model.classes[i] for i in probs.argmax(axis=1)] == ["cost", "sessions"]
    path = tmp_path / "m.npz"
    model.save(path)
    loaded = TextModel.load(path)
    assert np.allclose(loaded.predict_proba(["price?"]), model.predict_proba(["price?"]))


def test_multiclass_ovr_probabilities_sum_to_one():
    model = train(TEXTS + ["hi", "hello there", "good morning", "hey"], LABELS + ["greet"] * 4)
    assert model.meta["ovr"] is True
    assert model.predict_proba(["hello, how much?"]).sum() == pytest.approx(1.0, abs=1e-5)


def test_loading_refuses_pickled_objects():
    buf = io.BytesIO()
    np.savez(buf, classes=np.array([object()], dtype=object), columns=np.zeros(1, np.int32),
             weights=np.zeros((1, 1), np.float32), bias=np.zeros(1, np.float32), meta=np.array('{"format": 1}'))
    with pytest.raises(ValueError):
        TextModel.from_bytes(buf.getvalue())


def test_loading_refuses_other_files():
    buf = io.BytesIO()
    np.savez(buf, something=np.zeros(1))
    with pytest.raises(ValueError, match="not a text model"):
        TextModel.from_bytes(buf.getvalue())


def test_training_needs_matching_lists():
    with pytest.raises(ValueError):
        train(["a"], [])
