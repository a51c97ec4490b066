"""Text similarity of the free-text ``about`` fields (TF-IDF cosine)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mentormatch.criteria._encode import take_rows
from mentormatch.criteria.base import BlockScorer, Criterion
from mentormatch.participants import Mentee, Mentor

__all__ = ["TextSimilarity"]


class TextSimilarity(Criterion):
    """Cosine similarity of TF-IDF vectors of the two ``about`` texts.

    Parameters
    ----------
    stop_words : {"english"} or None, default "english"
        Words left out before weighting (scikit-learn's English list).
    weight : float, default 1.0
    name : str, default "text"

    Notes
    -----
    The vectoriser (:class:`sklearn.feature_extraction.text.TfidfVectorizer`,
    sublinear term frequency, l2-normalised rows) is fitted on all the texts
    of the programme, mentees and mentors together, so a word common to
    everyone weighs little. The score of a pair is the dot product of the
    two unit vectors, :math:`\\cos(v_e, v_m) \\in [0, 1]` (weights are
    non-negative), computed for all pairs as one sparse product. Empty texts
    score 0 with everyone.

    Examples
    --------
    >>> from mentormatch import Mentee, Mentor, TextSimilarity
    >>> e = [Mentee(id="e1", about="I want to learn data engineering and Spark")]
    >>> m = [Mentor(id="m1", about="Data engineering lead, Spark and Kafka"),
    ...      Mentor(id="m2", about="Sales director")]
    >>> s = TextSimilarity().score(e, m)
    >>> s.round(2)
    array([[0.46, 0.  ]])
    >>> TextSimilarity().explain(e[0], m[0], float(s[0, 0]))
    'writes about the same things as you: data, engineering, spark'
    """

    default_name = "text"

    def __init__(
        self, stop_words: str | None = "english", *, weight: float = 1.0, name: str | None = None
    ) -> None:
        super().__init__(weight=weight, name=name)
        if stop_words not in ("english", None):
            raise ValueError(
                "The 'stop_words' parameter of TextSimilarity must be one of 'english', None. "
                f"Got {stop_words!r} instead."
            )
        self.stop_words = stop_words
        self._analyse: Callable[[str], list[str]] | None = None

    def _vectorizer(self) -> Any:
        # imported here: scikit-learn takes seconds to import, and most runs of the
        # command line (help, validate, kpis, survey) never compare texts
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(stop_words=self.stop_words, sublinear_tf=True)

    def score(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.float64]:
        """Score every pair (see Notes)."""
        texts = [e.about for e in mentees] + [m.about for m in mentors]
        if not any(t.strip() for t in texts):
            return np.zeros((len(mentees), len(mentors)))
        try:
            x = self._vectorizer().fit_transform(texts)
        except ValueError:  # only stop words: an empty vocabulary
            return np.zeros((len(mentees), len(mentors)))
        a, b = x[: len(mentees)], x[len(mentees) :]
        sim = np.asarray((a @ b.T).todense(), dtype=np.float64)
        return np.clip(sim, 0.0, 1.0)  # rounding can put an identical pair at 1 + 1e-16

    def encode(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> BlockScorer:
        """Fit TF-IDF once on everyone's texts (as :meth:`score` does); a block is a product."""
        n_e, n_m = len(mentees), len(mentors)
        texts = [e.about for e in mentees] + [m.about for m in mentors]
        x = None
        if any(t.strip() for t in texts):
            try:
                x = self._vectorizer().fit_transform(texts).tocsr()
            except ValueError:  # only stop words: an empty vocabulary
                x = None

        def scorer(rows: NDArray[np.intp], cols: NDArray[np.intp] | None) -> NDArray[np.float64]:
            width = n_m if cols is None else len(cols)
            if x is None:
                return np.zeros((len(rows), width))
            b = x[n_e:] if cols is None else x[n_e + np.asarray(cols, dtype=np.intp)]
            sim = np.asarray((take_rows(x, rows) @ b.T).toarray(), dtype=np.float64)
            return np.clip(sim, 0.0, 1.0)

        return scorer

    def explain(self, mentee: Mentee, mentor: Mentor, value: float) -> str:
        """Name up to three words both texts use."""
        if self._analyse is None:  # built once: explain runs for every match
            self._analyse = self._vectorizer().build_analyzer()
        analyse = self._analyse
        mine, theirs = Counter(analyse(mentee.about)), Counter(analyse(mentor.about))
        shared = sorted(set(mine) & set(theirs), key=lambda w: (-(mine[w] + theirs[w]), w))
        if not shared:
            return "your descriptions of yourselves share no words"
        return f"writes about the same things as you: {', '.join(shared[:3])}"
