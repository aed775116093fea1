import os

import pytest
from conftest import run_python

import fastinit


def test_build_info_fields():
    info = fastinit.build_info()
    assert set(info) >= {"threads", "simd", "compiler", "version"}
    assert "openmp" not in info  # no OpenMP runtime is linked any more
    assert info["threads"] == ("serial" if os.name == "nt" else "fastinit pool")
    assert info["simd"] in ("generic", "avx2", "avx512")
    assert info["version"] == fastinit.__version__


def test_tests_use_installed_package():
    # the compiled modules must come from site-packages, not the source tree
    assert "site-packages" in fastinit._core.__file__ or os.environ.get("FASTINIT_ALLOW_INPLACE")


def test_set_num_threads(threads):
    fastinit.set_num_threads(1)
    assert fastinit.get_num_threads() == 1
    fastinit.set_num_threads(2)
    assert fastinit.get_num_threads() == 2
    with pytest.raises(ValueError):
        fastinit.set_num_threads(-1)
    with pytest.raises(TypeError):
        fastinit.set_num_threads(1.5)


@pytest.mark.parametrize("env,want", [("1", "1"), ("3", "3"), ("3,2", "3")])
def test_omp_num_threads_default(env, want):
    """OMP_NUM_THREADS (its first entry) is the default count."""
    code = "import fastinit; print(fastinit.get_num_threads())"
    out = run_python(code, env={"OMP_NUM_THREADS": env})
    assert out.stdout.strip() == want


def test_default_is_the_processors_without_omp_num_threads():
    code = "import os, fastinit; print(fastinit.get_num_threads(), len(os.sched_getaffinity(0)))"
    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("no sched_getaffinity")
    out = run_python(code, env={"OMP_NUM_THREADS": None})
    got, procs = out.stdout.split()
    assert got == procs


def test_threadpoolctl_sees_and_limits_the_thread_team(threads):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    if not hasattr(threadpoolctl, "register"):
        pytest.skip("threadpoolctl < 3.5 has no custom controllers")
    fastinit.set_num_threads(2)
    info = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "fastinit"]
    assert len(info) == 1, threadpoolctl.threadpool_info()
    assert info[0]["num_threads"] == 2
    assert info[0]["version"] == fastinit.__version__
    assert "_core." in os.path.basename(info[0]["filepath"])
    with threadpoolctl.threadpool_limits(limits=1):
        assert fastinit.get_num_threads() == 1
        with threadpoolctl.threadpool_limits(limits=3, user_api="fastinit"):
            assert fastinit.get_num_threads() == 3
        assert fastinit.get_num_threads() == 1
    assert fastinit.get_num_threads() == 2


def test_threadpoolctl_is_not_imported_with_fastinit_but_registers_later():
    code = ("import sys, fastinit; print('threadpoolctl' in sys.modules); "
            "import threadpoolctl; "
            "print(sorted({i['user_api'] for i in threadpoolctl.threadpool_info()}))")
    pytest.importorskip("threadpoolctl")
    out = run_python(code)
    first, apis = out.stdout.strip().splitlines()
    assert first == "False"
    assert "fastinit" in apis


def test_simd_override_env():
    code = "import fastinit; print(fastinit.build_info()['simd'])"
    out = run_python(code, env={"FASTINIT_SIMD": "generic"})
    assert out.stdout.strip() == "generic"


def test_set_simd_clamps_and_validates(restore_simd):
    best = fastinit.build_info()["cpu_simd"]
    assert fastinit.set_simd("generic") == "generic"
    assert fastinit.set_simd("avx512") == best  # clamped to what the CPU runs
    with pytest.raises(ValueError):
        fastinit.set_simd("sse9")
    assert fastinit.build_info()["simd"] == best  # a rejected name changes nothing
