"""GEMM side by side with NumPy (OpenBLAS), interleaved, medians (MIN=1: minima).

    python bench/gemm_side_by_side.py [small] [fused] [big] [threads]
    CPU=1 ... : one thread each, per-thread CPU time (robust on a loaded machine)
Unset OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE first for a fair NumPy."""
import sys, os, time, numpy as np
CLK = time.thread_time if os.environ.get('CPU') else time.perf_counter
from threadpoolctl import threadpool_info, threadpool_limits
import fastinit
from fastinit import ops

def med(f, reps):
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return np.median(ts)

def pair(name, f1, f2, reps, flops=None):
    f1(); f2()
    a, b = [], []
    for _ in range(reps):
        t = CLK(); f1(); a.append(CLK() - t)
        t = CLK(); f2(); b.append(CLK() - t)
    ma, mb = np.median(a), np.median(b)
    if os.environ.get('MIN'): ma, mb = np.min(a), np.min(b)
    gf = f" fi {flops/ma/1e9:6.1f} GF np {flops/mb/1e9:6.1f} GF" if flops else ""
    print(f"{name:40s} fi {ma*1e6:9.1f}us np {mb*1e6:9.1f}us ratio {mb/ma:5.2f}{gf}", flush=True)

rng = np.random.default_rng(0)
dt = np.float32
if os.environ.get('CPU'):
    threadpool_limits(1); fastinit.set_num_threads(1)
which = sys.argv[1:] or ["small", "big", "fused"]
if "small" in which:
    for (m, k, n) in [(128, 784, 100), (128, 100, 100), (1000, 100, 100), (128, 100, 10)]:
        a = rng.random((m, k), dtype=dt); b = rng.random((k, n), dtype=dt); c = np.empty((m, n), dt)
        pair(f"nn {m}x{k}x{n}", lambda: ops.matmul(a, b, out=c), lambda: np.matmul(a, b, out=c), 400, 2*m*n*k)
    # dW = x.T @ dout
    for (bt, d, o) in [(128, 784, 100), (128, 100, 100)]:
        x = rng.random((bt, d), dtype=dt); g = rng.random((bt, o), dtype=dt); c = np.empty((d, o), dt)
        pair(f"tn x.T@dout {bt}x{d} {bt}x{o}", lambda: ops.matmul(x, g, out=c, trans_a=True), lambda: np.matmul(x.T, g, out=c), 400, 2*d*o*bt)
        W = rng.random((d, o), dtype=dt); c2 = np.empty((bt, d), dt)
        pair(f"nt dout@W.T {bt}x{o} {d}x{o}", lambda: ops.matmul(g, W, out=c2, trans_b=True), lambda: np.matmul(g, W.T, out=c2), 400, 2*d*o*bt)
if "fused" in which:
    x = rng.random((1000, 100), dtype=dt) - 0.5; W = rng.random((100, 100), dtype=dt) - 0.5; bb = rng.random(100, dtype=dt)
    c = np.empty((1000, 100), dt)
    pair("affine relu 1000x100x100", lambda: ops.affine(x, W, bb, "relu", out=c), lambda: np.maximum(0, x @ W + bb), 400)
if "big" in which:
    for s in (512, 1024, 2048):
        a = rng.random((s, s), dtype=dt); b = rng.random((s, s), dtype=dt); c = np.empty((s, s), dt)
        pair(f"sgemm {s}^3", lambda: ops.matmul(a, b, out=c), lambda: np.matmul(a, b, out=c), 20 if s < 2048 else 7, 2*s**3)
if "threads" in which:
    s = 1024
    a = rng.random((s, s), dtype=dt); b = rng.random((s, s), dtype=dt); c = np.empty((s, s), dt)
    def one():
        fastinit.set_num_threads(1); ops.matmul(a, b, out=c)
    def two():
        fastinit.set_num_threads(2); ops.matmul(a, b, out=c)
    pair("1024^3: 2 threads (fi) vs 1 thread (np col)", two, one, 15, 2*s**3)
    fastinit.set_num_threads(0)
