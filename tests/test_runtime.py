import os

import pytest
from conftest import run_python

import fastinit


def test_build_info_fields():
    info = fastinit.build_info()
    assert set(info) >= {"openmp", "simd", "compiler", "version"}
    assert isinstance(info["openmp"], bool)
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


def test_omp_num_threads_default():
    code = "import fastinit; print(fastinit.get_num_threads())"
    out = run_python(code, env={"OMP_NUM_THREADS": "1"})
    assert out.stdout.strip() == "1"


def test_threadpoolctl_sees_and_limits_openmp():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    if not fastinit.build_info()["openmp"]:
        pytest.skip("built without OpenMP")
    apis = {i["user_api"] for i in threadpoolctl.threadpool_info()}
    assert "openmp" in apis
    with threadpoolctl.threadpool_limits(limits=1, user_api="openmp"):
        assert fastinit.get_num_threads() == 1


def test_simd_override_env():
    code = "import fastinit; print(fastinit.build_info()['simd'])"
    out = run_python(code, env={"FASTINIT_SIMD": "generic"})
    assert out.stdout.strip() == "generic"


def test_set_simd_clamps_and_validates():
    best = fastinit.build_info()["cpu_simd"]
    try:
        assert fastinit.set_simd("generic") == "generic"
        assert fastinit.set_simd("avx512") in ("generic", "avx2", "avx512")
        with pytest.raises(ValueError):
            fastinit.set_simd("sse9")
    finally:
        fastinit.set_simd(best)
    assert fastinit.build_info()["simd"] == best
