"""Pure-NumPy reference implementations: the specification the compiled
kernels are tested and benchmarked against.

``functional`` mirrors every function of :mod:`fastinit.ops` with the same
signature and semantics, computed with plain NumPy expressions."""
from . import functional
