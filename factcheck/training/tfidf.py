"""TF-IDF nearest neighbours: finds topically close text that is not the gold evidence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


class TfidfIndex:
    """Cosine similarity between short texts over word uni- and bigrams (sklearn imported on use)."""

    def __init__(self, texts: Sequence[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.texts = tuple(texts)
        self._vectorizer = TfidfVectorizer(
            lowercase=True, stop_words="english", ngram_range=(1, 2), min_df=1, sublinear_tf=True
        )
        self._matrix = self._vectorizer.fit_transform(self.texts) if self.texts else None

    def vectors(self, queries: Sequence[str]) -> Any:
        return self._vectorizer.transform(list(queries))

    def nearest(self, queries: Sequence[str], k: int) -> np.ndarray:
        """Indices of the ``k`` most similar indexed texts per query, best first (rows of -1 if empty)."""
        result = np.full((len(queries), k), -1, dtype=np.int64)
        if self._matrix is None or not queries:
            return result
        width = min(k, self._matrix.shape[0])
        for start in range(0, len(queries), 512):
            scores = (self.vectors(queries[start : start + 512]) @ self._matrix.T).toarray()
            top = np.argsort(-scores, axis=1, kind="stable")[:, :width]
            result[start : start + len(top), :width] = top
        return result

    def rank_within(self, query: str, indices: Sequence[int]) -> list[int]:
        """``indices`` reordered by similarity to ``query``, best first (ties keep document order)."""
        if self._matrix is None or not indices:
            return list(indices)
        scores = (self._matrix[list(indices)] @ self.vectors([query]).T).toarray().ravel()
        order = np.argsort(-scores, kind="stable")
        return [indices[i] for i in order]
