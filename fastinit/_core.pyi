"""Type stub of the compiled module fastinit._core (_core.pyx, its
_core_*.pxi bridges and the C API in _core.pxd).

Functions written with Cython's ``floating`` fused type run on float32 or
float64 data, one dtype per call: they take ``NDArray[_Float]`` with the
constrained type variable ``_Float``.  Typed memoryview arguments accept
None unless the docstring says otherwise; those that may be None in use are
typed ``... | None``.  Checked by ``python -m mypy.stubtest fastinit._core``
(tests/test_typing.py)."""

import enum
from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeVar

import numpy as np
from numpy.typing import DTypeLike, NDArray

_Float = TypeVar("_Float", np.float32, np.float64)

# (key0, key1, stream, start): the state tuple of fastinit.random.Generator.
_State = tuple[int, int, int, int]
_SimdName = Literal["generic", "avx2", "avx512"]

NUMPY_MIN: tuple[int, int]
HISTOGRAM_EXTRA: int
interrupt_work: int
chunk_work: int
chunk_min_side: int

def _numpy_version(text: str) -> tuple[int, int]: ...
def _check_enum(members: type[enum.IntEnum], count: int, header: str) -> None: ...
def _limit_from_env() -> None: ...

# ---- the cpdef enums of _core.pxd (values from the C headers) ---------------------

class fi_isa(enum.IntEnum):
    FI_ISA_GENERIC = 0
    FI_ISA_AVX2 = 1
    FI_ISA_AVX512 = 2

class fi_out_fmt(enum.IntEnum):
    FI_OUT_F32 = 0
    FI_OUT_F16 = 1
    FI_OUT_BF16 = 2

class fi_dist_kind(enum.IntEnum):
    FI_DIST_UNIFORM = 0
    FI_DIST_NORMAL = 1
    FI_DIST_TRUNCATED_NORMAL = 2

class fi_act(enum.IntEnum):
    FI_ACT_IDENTITY = 0
    FI_ACT_SIGMOID = 1
    FI_ACT_TANH = 2
    FI_ACT_RELU = 3
    FI_ACT_LEAKY_RELU = 4

class fi_opt_kind(enum.IntEnum):
    FI_OPT_NONE = 0
    FI_OPT_SGD = 1
    FI_OPT_MOMENTUM = 2
    FI_OPT_ADAGRAD = 3
    FI_OPT_ADAM = 4

# ---- runtime (_core_runtime.pxi) -------------------------------------------------

def get_num_threads() -> int: ...
def set_num_threads(n: int) -> None: ...
def get_thread_limit() -> int: ...
def set_thread_limit(n: int) -> None: ...
def thread_team() -> Literal["fastinit pool", "serial"]: ...
def pool_stats() -> tuple[int, int]: ...
def cpu_simd() -> _SimdName: ...
def get_simd() -> _SimdName: ...
def set_simd(name: str) -> _SimdName: ...
def compiler() -> str: ...
def empty(shape: int | tuple[int, ...], dtype: DTypeLike, nbytes: int) -> NDArray[Any]: ...
def set_buffer_cache(limit: int) -> int: ...
def buffer_cache_info() -> dict[str, int]: ...

# ---- random numbers (_core_random.pxi) ---------------------------------------------

def fill(kind: int, state: _State, offset: int, out: NDArray[_Float], p0: float, p1: float,
         p2: float = 0.0, p3: float = 0.0) -> None: ...
def fill_h16(kind: int, state: _State, offset: int, out: NDArray[np.uint16], fmt: int,
             p0: float, p1: float, p2: float = 0.0, p3: float = 0.0) -> None: ...
def bf16_store() -> Literal["vcvtneps2bf16", "integer"]: ...
def round_f32_h16(x: NDArray[np.float32], fmt: int, out: NDArray[np.uint16]) -> None: ...
def integers(state: _State, offset: int, out: NDArray[np.int64], low: int,
             range_: int) -> None: ...
def philox_words(state: _State, block: int, out: NDArray[np.uint32]) -> None: ...
def ndtri(p: float) -> float: ...
def normal_cdf(x: float) -> float: ...

# ---- activations, softmax and cross-entropy (_core_activations.pxi) -----------------

def act_forward(act: int, slope: float, x: NDArray[_Float], y: NDArray[_Float]) -> None: ...
def act_backward(act: int, slope: float, dout: NDArray[_Float], saved: NDArray[_Float],
                 dx: NDArray[_Float]) -> None: ...
def bias_act(act: int, slope: float, y: NDArray[_Float],
             bias: NDArray[_Float] | None) -> None: ...
def softmax(x: NDArray[_Float], y: NDArray[_Float]) -> None: ...
def softmax_xent(logits: NDArray[_Float], labels: NDArray[np.int64] | None,
                 onehot: NDArray[_Float] | None, probs: NDArray[_Float]) -> float: ...
def softmax_xent_backward(probs: NDArray[_Float], labels: NDArray[np.int64] | None,
                          onehot: NDArray[_Float] | None, scale: float,
                          dx: NDArray[_Float]) -> None: ...

# ---- matrix products and reductions (_core_linalg.pxi) -----------------------------

def gemm_row_grain(f64: bool) -> int: ...
def gemm(trans_a: bool, trans_b: bool, a: NDArray[_Float], b: NDArray[_Float],
         c: NDArray[_Float], alpha: float, beta: float, bias: NDArray[_Float] | None, act: int,
         slope: float) -> None: ...

# The fast paths take anything and return None where the validated path must
# run (a non-array, another dtype, a float subclass for alpha/beta/slope, ...).
def matmul_fast(a: object, b: object, out: object, trans_a: bool, trans_b: bool, alpha: object,
                beta: object) -> NDArray[np.float32] | NDArray[np.float64] | None: ...
def affine_fast(x: object, W: object, b: object, act: int, out: object,
                slope: object) -> NDArray[np.float32] | NDArray[np.float64] | None: ...
def sum_rows(x: NDArray[_Float], out: NDArray[_Float]) -> None: ...

# ---- optimizer updates and the fused training step (_core_mlp.pxi) -----------------

def optim_update(kind: int, lr: float, momentum: float, beta1: float, beta2: float, eps: float,
                 p: NDArray[_Float], g: NDArray[_Float], s1: NDArray[_Float] | None,
                 s2: NDArray[_Float] | None) -> None: ...

class FusedMLP:
    # A cdef class built by __cinit__ (tp_new): its arguments go to __new__.
    def __new__(cls, sizes: Sequence[int], act: int, slope: float, weight_decay: float,
                dtype: DTypeLike) -> FusedMLP: ...
    @property
    def batch(self) -> int: ...
    @property
    def gather(self) -> bool: ...
    @property
    def workspace_bytes(self) -> int: ...
    @property
    def weight_decay(self) -> float: ...
    @weight_decay.setter
    def weight_decay(self, value: float) -> None: ...
    def bind(self, params: Sequence[NDArray[Any]], grads: Sequence[NDArray[Any]],
             state1: Sequence[NDArray[Any]] | None,
             state2: Sequence[NDArray[Any]] | None) -> None: ...
    def step(self, x: NDArray[Any], labels: NDArray[np.int64] | None,
             onehot: NDArray[Any] | None, with_state: bool, kind: int, lr: float,
             momentum: float, beta1: float, beta2: float, eps: float,
             rows: NDArray[np.int64] | None = None) -> float: ...
    def sgd_step(self, x: object, t: object, params: Mapping[str, object], keys: Sequence[str],
                 lr: float, weight_decay: float, rows: NDArray[np.int64] | None = None,
                 labels_checked: bool = False) -> float | None: ...

# ---- histograms (_core_histogram.pxi) ----------------------------------------------

def histogram(x: NDArray[_Float], edges: NDArray[np.float64], counts: NDArray[np.int64],
              skip_zeros: bool, low_cut: float,
              high_cut: float) -> tuple[int, int, int, float, float]: ...
