"""The book's experiments on weight initialization, each a function that
returns plain data (dicts of numbers, lists and NumPy arrays):

- :func:`activation_histograms`: activations of a deep net fed Gaussian
  input, per activation function, initializer and layer.
- :func:`init_comparison`: training loss on real data per initializer.
- :func:`symmetry`: zero vs small random weights, and whether the hidden
  units stay identical.

:func:`evaluate_claims` checks the book's claims on those results.
"""
from .claims import Claim, evaluate_claims
from .comparison import init_comparison
from .histograms import activation_histograms
from .symmetry import symmetry

__all__ = ["activation_histograms", "init_comparison", "symmetry", "evaluate_claims", "Claim"]
