"""mentormatch: exact, explainable mentor matching and honest programme evaluation."""

__version__ = "0.1.0"

__all__ = ["__version__"]
