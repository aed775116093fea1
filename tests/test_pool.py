"""fastinit's thread team (csrc/core/pool.h): a forked child gets a working
team, and concurrent callers neither deadlock nor change a bit."""
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import fastinit
from conftest import source_toolchain, run_python
from fastinit import _core, ops

CHILD = textwrap.dedent("""
    import os, sys, time
    import numpy as np
    import fastinit, fastinit.random
    from fastinit import ops
    fastinit.set_num_threads(2)
    a = np.arange(512 * 512, dtype=np.float32).reshape(512, 512) % 7
    parent = ops.matmul(a, a)
    g = fastinit.random.Generator(3)
    fill = g.normal(size=1 << 20, dtype=np.float32)
    assert fastinit._core.pool_stats()[0] >= 1
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        t0 = time.perf_counter()
        ok = (ops.matmul(a, a) == parent).all() and \\
             (fastinit.random.Generator(3).normal(size=1 << 20, dtype=np.float32) == fill).all()
        os.write(w, b"%d %.3f %d" % (ok, time.perf_counter() - t0,
                                    fastinit._core.pool_stats()[0]))
        os._exit(0)
    os.waitpid(pid, 0)
    print(os.read(r, 100).decode())
""")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_forked_child_after_the_parent_used_the_team_returns_the_same_bits():
    out = run_python(CHILD, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    ok, seconds, workers = out.stdout.split()
    assert ok == "1"
    assert float(seconds) < 5
    assert int(workers) >= 1  # the child started a fresh team of its own


def test_concurrent_callers_get_the_same_bits(rng, threads):
    """Two Python threads calling at once: one gets the team, the other
    runs serially; neither waits for the other's workers."""
    fastinit.set_num_threads(2)
    a = rng.standard_normal((300, 400)).astype(np.float32)
    b = rng.standard_normal((400, 200)).astype(np.float32)
    want = ops.matmul(a, b)
    got, errors = [], []

    def work():
        try:
            for _ in range(20):
                got.append(ops.matmul(a, b))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    ts = [threading.Thread(target=work) for _ in range(3)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    assert not errors and not any(t.is_alive() for t in ts)
    assert len(got) == 60
    for c in got:
        np.testing.assert_array_equal(c, want)


def test_pool_stats_report_the_team():
    workers, runs = _core.pool_stats()
    assert workers >= 0 and runs >= 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX threads and fork only")
@pytest.mark.parametrize("sanitize", [None, "thread"])
def test_pool_under_concurrent_callers_sleep_and_fork(tmp_path, sanitize):
    """tests/pool_stress/check.c against csrc/core/pool.c: concurrent and
    back-to-back callers, workers put to sleep and woken, a forked child;
    also under ThreadSanitizer where the compiler has it."""
    csrc, tests, cc = source_toolchain("csrc/core/pool.c", "tests/pool_stress/check.c")
    flags = ["-O1", "-g", f"-fsanitize={sanitize}"] if sanitize else ["-O1"]
    flags.append("-DFI_POOL_LINGER_US=500")  # the check's 2 ms gaps put workers to sleep
    srcs = [tests / "pool_stress" / "check.c"] + [csrc / "core" / f for f in
                                                   ("pool.c", "bufcache.c", "spread.c",
                                                    "runtime.c", "cpu.c")]
    exe = tmp_path / "check"
    built = subprocess.run([cc, "-std=gnu11", *flags, f"-I{csrc}", *map(str, srcs), "-pthread",
                            "-lm", "-o", str(exe)], capture_output=True, text=True)
    if sanitize and built.returncode != 0:
        pytest.skip(f"the compiler does not build with -fsanitize={sanitize}")
    assert built.returncode == 0, built.stderr
    env = dict(os.environ, TSAN_OPTIONS="die_after_fork=0 halt_on_error=1")
    res = subprocess.run([str(exe)], capture_output=True, text=True, timeout=300, env=env)
    if sanitize and "FATAL: ThreadSanitizer" in res.stderr:
        pytest.skip("ThreadSanitizer cannot run here: " + res.stderr.splitlines()[0])
    assert res.returncode == 0 and res.stdout.strip() == "ok", res.stdout + res.stderr


WORKER_STATES = """
import os, sys, time, numpy as np, fastinit
from fastinit import ops

def worker_states():
    # fastinit's workers are named; OpenBLAS has threads of its own
    states = []
    for tid in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{tid}/comm") as f:
            if f.read().strip() != "fastinit-pool":
                continue
        with open(f"/proc/self/task/{tid}/stat") as f:
            states.append(f.read().rsplit(")", 1)[1].split()[0])
    return states

fastinit.set_num_threads(2)
x = np.ones(4_000_000, np.float32)
ops.sigmoid(x, out=x)
t0 = time.perf_counter()
seen = []
for pause in (0.02, 0.4):
    time.sleep(pause)
    seen.append("".join(sorted(worker_states())))
    if pause == 0.02:
        seen.append("%.3f" % (time.perf_counter() - t0))
print(" ".join(seen))
"""


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="reads /proc (Linux)")
@pytest.mark.parametrize("policy", [None, "passive"])
def test_workers_linger_then_sleep_and_passive_sleeps_at_once(policy):
    """After a job a worker stays awake (running or yielding) for about
    0.1 s, so that a call after a short pause finds it, and is asleep after
    0.4 s; OMP_WAIT_POLICY=passive puts it to sleep at once."""
    out = run_python(WORKER_STATES, env={"OMP_WAIT_POLICY": policy,
                                         "OMP_NUM_THREADS": None}).stdout.split()
    assert len(out) == 3 and len(out[0]) == 1, out  # one worker
    after_20ms, elapsed, after_400ms = out
    assert after_400ms == "S"
    if policy == "passive":
        assert after_20ms == "S"
    elif float(elapsed) < 0.08:  # a loaded machine may oversleep past the linger
        assert after_20ms == "R"
