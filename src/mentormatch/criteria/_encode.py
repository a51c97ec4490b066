"""Encode participants once into arrays that score all pairs with array operations."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from mentormatch._validation import fold


def vocabulary(groups: Iterable[Iterable[str]]) -> dict[str, int]:
    """Map every folded token to a column index, in sorted order (deterministic)."""
    return {tok: i for i, tok in enumerate(sorted({fold(t) for g in groups for t in g}))}


def indicator(groups: Sequence[Iterable[str]], vocab: dict[str, int]) -> sp.csr_matrix:
    """A 0/1 sparse matrix: row i has a 1 in each column of a token of group i in ``vocab``."""
    rows: list[int] = []
    cols: list[int] = []
    for i, g in enumerate(groups):
        for c in {vocab[t] for t in map(fold, g) if t in vocab}:
            rows.append(i)
            cols.append(c)
    data = np.ones(len(rows), dtype=np.float64)
    return sp.csr_matrix((data, (rows, cols)), shape=(len(groups), len(vocab)))


def take_rows(matrix: sp.csr_matrix, rows: NDArray[np.intp]) -> sp.csr_matrix:
    """``matrix[rows]``, as a cheap slice when the rows are consecutive (the usual block)."""
    if rows.size and rows[-1] - rows[0] == rows.size - 1 and (np.diff(rows) == 1).all():
        return matrix[int(rows[0]) : int(rows[-1]) + 1]
    return matrix[rows]


def codes(values: Sequence[str]) -> tuple[NDArray[np.intp], list[str]]:
    """Integer codes of folded values (``-1`` for empty) and the sorted distinct values."""
    folded = [fold(v) for v in values]
    uniq = sorted({v for v in folded if v})
    index = {v: i for i, v in enumerate(uniq)}
    return np.array([index.get(v, -1) for v in folded], dtype=np.intp), uniq
