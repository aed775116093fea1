# cython: freethreading_compatible = True
"""fastinit._core: the one compiled module of fastinit.

csrc/ is linked into this module alone, so every C setting (thread count,
SIMD kernel set, Ctrl-C state, buffer cache, thread team) exists once
per process.  The C API is declared in _core.pxd; each kernel family's
bridge is a _core_<family>.pxi included below.  The bridges take validated
inputs only (fastinit._validate and the Python modules check them)."""

import re as _re

import numpy as np

# Oldest NumPy whose C API this module is built against (setup.py's
# NPY_TARGET_VERSION; pyproject.toml's numpy>=...).  Checked before
# import_array so an old NumPy gets this message, not an ABI error.
NUMPY_MIN = (1, 23)


def _numpy_version(text):
    """(major, minor) of a NumPy version string such as '2.2.6' or '2.5.0rc1'."""
    match = _re.match(r"(\d+)\.(\d+)", text)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


if _numpy_version(np.__version__) < NUMPY_MIN:
    raise ImportError(f"fastinit needs NumPy >= {NUMPY_MIN[0]}.{NUMPY_MIN[1]}; this Python has "
                      f"NumPy {np.__version__} (pip install -U numpy)")

cnp.import_array()

from cpython.exc cimport PyErr_CheckSignals
from cython cimport floating
from libc.math cimport sqrt
from libc.stdlib cimport calloc, free


def _check_enum(members, int count, str header):
    """The cpdef enum declared in _core.pxd has exactly the header's members
    0 .. count - 1 (count: the header's FI_*_COUNT)."""
    values = sorted(int(m) for m in members)
    if values != list(range(count)):
        raise ImportError(f"fastinit._core: enum {members.__name__} in _core.pxd has values "
                          f"{values}, but csrc/{header} declares {count} members: rebuild "
                          "after updating _core.pxd")


_check_enum(fi_isa, FI_ISA_COUNT, "cpu.h")
_check_enum(fi_dist_kind, FI_DIST_COUNT, "distributions.h")
_check_enum(fi_out_fmt, FI_OUT_FMT_COUNT, "half.h")
_check_enum(fi_act, FI_ACT_COUNT, "elementwise.h")
_check_enum(fi_opt_kind, FI_OPT_COUNT, "optim.h")
for _isa in fi_isa:  # the names set_simd accepts are C's own (cpu.c's table)
    if fi_isa_name(_isa).decode() != _isa.name[len("FI_ISA_"):].lower():
        raise ImportError(f"fastinit._core: {_isa.name} is named "
                          f"{fi_isa_name(_isa).decode()!r} in csrc/core/cpu.c")
del _isa

include "_core_runtime.pxi"
include "_core_random.pxi"
include "_core_activations.pxi"
include "_core_linalg.pxi"
include "_core_mlp.pxi"
include "_core_histogram.pxi"
