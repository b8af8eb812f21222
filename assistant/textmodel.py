"""A small n-gram linear text classifier, stored without pickle.

Features are hashed word 1-2 grams and character 2-5 grams (within word
edges) of the normalised text, log-scaled and L2-normalised; the classifier
is multinomial logistic regression. scikit-learn trains it and hashes the
features (its murmurhash is stable across processes and machines); the
trained model is three numpy arrays (the feature columns it uses, weights,
biases) plus the class names, saved with ``numpy.savez`` and loaded with
``allow_pickle=False``, so a model file cannot run code.

Prediction on one short clause takes well under a millisecond.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from assistant.normalise import for_model

N_FEATURES = 1 << 18
FORMAT_VERSION = 1


def _vectorizers():
    from sklearn.feature_extraction.text import HashingVectorizer

    common = dict(n_features=N_FEATURES, alternate_sign=False, norm=None, lowercase=False, dtype=np.float32)
    word = HashingVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", **common)
    char = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), **common)
    return word, char


_VECTORIZERS = None


def featurize(texts: Sequence[str]) -> sp.csr_matrix:
    """Hashed, log-scaled, L2-normalised features of ``texts`` (one row each)."""
    global _VECTORIZERS
    if _VECTORIZERS is None:
        _VECTORIZERS = _vectorizers()
    word, char = _VECTORIZERS
    norm = [for_model(t) for t in texts]
    a, b = word.transform(norm), char.transform(norm)
    # one row after the other (scipy's hstack costs milliseconds on a few rows)
    indptr = a.indptr + b.indptr
    indices = np.empty(indptr[-1], dtype=np.int32)
    data = np.empty(indptr[-1], dtype=np.float32)
    for row in range(len(norm)):
        a0, a1, b0, b1 = a.indptr[row], a.indptr[row + 1], b.indptr[row], b.indptr[row + 1]
        start, mid, end = indptr[row], indptr[row] + (a1 - a0), indptr[row + 1]
        indices[start:mid], indices[mid:end] = a.indices[a0:a1], b.indices[b0:b1] + N_FEATURES
        values = np.log1p(np.concatenate([a.data[a0:a1], b.data[b0:b1]]))
        norm2 = float(np.dot(values, values))
        data[start:end] = values / np.sqrt(norm2) if norm2 > 0 else values
    return sp.csr_matrix((data, indices, indptr), shape=(len(norm), 2 * N_FEATURES))


@dataclass
class TextModel:
    """A trained classifier: ``predict_proba(texts)`` gives one row of class probabilities per text."""

    classes: tuple[str, ...]
    columns: np.ndarray  # int32, sorted feature columns with a weight
    weights: np.ndarray  # float32, (n_columns, n_classes)
    bias: np.ndarray  # float32, (n_classes,)
    meta: dict[str, object]

    def __post_init__(self) -> None:
        lookup = np.full(2 * N_FEATURES, -1, dtype=np.int32)
        lookup[self.columns] = np.arange(len(self.columns), dtype=np.int32)
        self._lookup = lookup

    def scores(self, texts: Sequence[str], features: sp.csr_matrix | None = None) -> np.ndarray:
        """Raw class scores; ``features`` (``featurize(texts)``) may be passed in to share it between models."""
        x = featurize(texts) if features is None else features
        out = np.tile(self.bias, (x.shape[0], 1))
        for row in range(x.shape[0]):
            start, end = x.indptr[row], x.indptr[row + 1]
            idx = self._lookup[x.indices[start:end]]
            keep = idx >= 0
            if keep.any():
                out[row] += x.data[start:end][keep] @ self.weights[idx[keep]]
        return out

    def predict_proba(self, texts: Sequence[str], features: sp.csr_matrix | None = None) -> np.ndarray:
        s = self.scores(texts, features)
        if len(self.classes) == 2 and s.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-s[:, 0]))
            return np.stack([1 - p, p], axis=1)
        if self.meta.get("ovr"):  # one-vs-rest (liblinear): sklearn's normalised sigmoids
            p = 1.0 / (1.0 + np.exp(-s))
            return p / p.sum(axis=1, keepdims=True)
        s = s - s.max(axis=1, keepdims=True)
        e = np.exp(s)
        return e / e.sum(axis=1, keepdims=True)

    # -- storage -------------------------------------------------------------
    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            classes=np.array(self.classes, dtype=str),
            columns=self.columns,
            weights=self.weights,
            bias=self.bias,
            meta=np.array(json.dumps({**self.meta, "format": FORMAT_VERSION})),
        )
        return buf.getvalue()

    def save(self, path: str | Path) -> None:
        Path(path).write_bytes(self.to_bytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> TextModel:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            missing = {"classes", "columns", "weights", "bias", "meta"} - set(z.files)
            if missing:
                raise ValueError(f"not a text model: missing {', '.join(sorted(missing))}")
            meta = json.loads(str(z["meta"]))
            if meta.get("format") != FORMAT_VERSION:
                raise ValueError(f"unsupported text model format {meta.get('format')!r}")
            return cls(
                tuple(str(c) for c in z["classes"]),
                z["columns"].astype(np.int32),
                z["weights"].astype(np.float32),
                z["bias"].astype(np.float32),
                meta,
            )

    @classmethod
    def load(cls, path: str | Path) -> TextModel:
        return cls.from_bytes(Path(path).read_bytes())


def _fit_binary(x: sp.csr_matrix, y: np.ndarray, c: float, weight: float, max_iter: int) -> tuple[np.ndarray, float]:
    """One class against the rest, as liblinear's own one-vs-rest fits it (the class's weight on its C only)."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(
        C=c, max_iter=max_iter, class_weight={1: weight, 0: 1.0}, random_state=0, solver="liblinear"
    )
    clf.fit(x, y)
    return clf.coef_[0].astype(np.float32), float(clf.intercept_[0])


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    c: float = 10.0,
    class_weight: str | dict[str, float] | None = None,
    meta: dict[str, object] | None = None,
    max_iter: int = 2000,
    solver: str = "liblinear",
    n_jobs: int | None = None,
) -> TextModel:
    """Fit the classifier on ``texts`` with ``labels`` (deterministic).

    liblinear (one-vs-rest) trains in seconds where lbfgs (multinomial) takes
    half a minute on these hashed features; the probabilities are sklearn's
    normalised one-vs-rest sigmoids either way. With more than two classes the
    one-vs-rest problems are fitted side by side, one process per core
    (``n_jobs``, default: the machine's cores, at most 4): the same problems
    liblinear solves one after the other (each class's weight scales its own
    C), in half the time on two cores.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.utils.class_weight import compute_class_weight

    if len(texts) != len(labels) or not texts:
        raise ValueError("texts and labels must be non-empty and of equal length")
    x = featurize(texts)
    classes = np.array(sorted(set(labels)))
    if solver == "liblinear" and len(classes) > 2:
        from joblib import Parallel, delayed  # type: ignore[import-untyped]

        y = np.asarray(labels)
        weights = (
            compute_class_weight(class_weight, classes=classes, y=y)
            if class_weight is not None
            else np.ones(len(classes))
        )
        jobs = n_jobs or max(1, min(4, os.cpu_count() or 1))
        fits = Parallel(n_jobs=jobs)(
            delayed(_fit_binary)(x, (y == k).astype(np.int8), c, float(w), max_iter) for k, w in zip(classes, weights)
        )
        coef = np.stack([f[0] for f in fits], axis=1)  # (features, classes)
        intercept = np.array([f[1] for f in fits], dtype=np.float32)
    else:
        clf = LogisticRegression(C=c, max_iter=max_iter, class_weight=class_weight, random_state=0, solver=solver)
        clf.fit(x, list(labels))
        classes = clf.classes_
        coef = clf.coef_.astype(np.float32).T  # (features, classes or 1)
        intercept = clf.intercept_.astype(np.float32)
    used = np.flatnonzero(np.abs(coef).max(axis=1) > 0).astype(np.int32)
    return TextModel(
        tuple(str(k) for k in classes),
        used,
        np.ascontiguousarray(coef[used]),
        intercept,
        dict(meta or {}, examples=len(texts), c=c, ovr=solver == "liblinear" and len(classes) > 2),
    )


def top(model: TextModel, probs: np.ndarray) -> list[tuple[str, float]]:
    """Classes of one probability row, best first."""
    order = np.argsort(-probs)
    return [(model.classes[i], float(probs[i])) for i in order]
