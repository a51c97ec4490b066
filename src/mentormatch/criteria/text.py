"""Text similarity of the free-text ``about`` fields (TF-IDF cosine)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mentormatch._errors import MentormatchError
from mentormatch._validation import RealLike, shown
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
    #: its block scorer reads only arrays encoded once: the large path may score on threads
    thread_safe = True

    def __init__(
        self, stop_words: str | None = "english", *, weight: RealLike = 1.0, name: str | None = None
    ) -> None:
        super().__init__(weight=weight, name=name)
        if not (stop_words is None or (isinstance(stop_words, str) and stop_words == "english")):
            raise MentormatchError(
                "The 'stop_words' parameter of TextSimilarity must be one of 'english', None. "
                f"Got {shown(stop_words)} instead.",
                field="stop_words",
                value=stop_words,
            )
        self.stop_words = stop_words
        self._analyse: Callable[[str], list[str]] | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_analyse"] = None  # a cache, rebuilt on first use: it need not travel
        return state

    def _vectorizer(self) -> Any:
        # imported here: scikit-learn takes seconds to import, and most runs of the
        # command line (help, validate, kpis, survey) never compare texts
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(stop_words=self.stop_words, sublinear_tf=True)

    def _fit(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> Any:
        """TF-IDF rows of everyone (mentees, then mentors, in the order given), or None.

        Fitted on the texts in id order, whatever the order given: the
        vectoriser's rows hold their terms in the order the corpus first used
        them, so the floating-point sums (the norms, the products) would
        otherwise change in their last bits with the input order.
        """
        texts = [e.about for e in mentees] + [m.about for m in mentors]
        if not any(t.strip() for t in texts):
            return None
        n_e = len(mentees)
        order = sorted(range(n_e), key=lambda i: mentees[i].id) + sorted(
            range(n_e, len(texts)), key=lambda j: mentors[j - n_e].id
        )
        try:
            x = self._vectorizer().fit_transform([texts[k] for k in order]).tocsr()
        except ValueError:  # only stop words: an empty vocabulary
            return None
        where = np.empty(len(order), dtype=np.intp)
        where[np.asarray(order, dtype=np.intp)] = np.arange(len(order), dtype=np.intp)
        return x[where]  # back to the order given; each row's entries unchanged

    def score(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> NDArray[np.float64]:
        """Score every pair (see Notes)."""
        x = self._fit(mentees, mentors)
        if x is None:
            return np.zeros((len(mentees), len(mentors)))
        a, b = x[: len(mentees)], x[len(mentees) :]
        sim = np.asarray((a @ b.T).todense(), dtype=np.float64)
        return np.clip(sim, 0.0, 1.0)  # rounding can put an identical pair at 1 + 1e-16

    def encode(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> BlockScorer:
        """Fit TF-IDF once on everyone's texts (as :meth:`score` does); a block is a product."""
        n_e, n_m = len(mentees), len(mentors)
        x = self._fit(mentees, mentors)

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
        if not mentee.about.strip():
            return "you gave no description of yourself, so descriptions did not count"
        if not mentor.about.strip():
            return "gave no description of themselves, so descriptions did not count"
        mine, theirs = Counter(analyse(mentee.about)), Counter(analyse(mentor.about))
        shared = sorted(set(mine) & set(theirs), key=lambda w: (-(mine[w] + theirs[w]), w))
        if not shared:
            return "your descriptions of yourselves share no words"
        return f"writes about the same things as you: {', '.join(shared[:3])}"
