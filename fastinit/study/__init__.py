"""The study of weight initialization on fastinit: data sets (``datasets``),
the book's experiments (``experiments``), figures (``plots``), the written
report (``report``) and the ``fastinit`` command's study subcommands
(``cli``).  Built on :mod:`fastinit.nn` and the engine."""
from . import datasets, experiments
from .datasets import load_mnist

__all__ = ["datasets", "experiments", "load_mnist"]
