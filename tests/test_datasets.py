"""fastinit.study.datasets: the IDX loader on small synthetic files (every error
case), downloads with pooch from a local HTTP server on 127.0.0.1 (pooch
has no file:// downloader), and the real MNIST test set when
$FASTINIT_DATA points at it."""
import gzip
import hashlib
import http.server
import struct
import sys
import threading

import numpy as np
import pytest

from fastinit.study import datasets
from conftest import mnist_dir

N = 7


def _idx_bytes(part, n=N, magic=None, dims=None, data=None, rng=None):
    rng = rng or np.random.default_rng(0)
    if part == "images":
        dims = dims or (n, 28, 28)
        magic = 2051 if magic is None else magic
        data = rng.integers(0, 256, size=int(np.prod(dims)), dtype=np.uint8).tobytes() \
            if data is None else data
    else:
        dims = dims or (n,)
        magic = 2049 if magic is None else magic
        data = (np.arange(dims[0]) % 10).astype(np.uint8).tobytes() if data is None else data
    return struct.pack(f">i{len(dims)}i", magic, *dims) + data


def _write(folder, kind="test", gz=True, sums=True, **overrides):
    """Write the two IDX files of `kind` (and a SHA256SUMS for them) into
    folder; `overrides` maps part -> bytes to use instead."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for part in ("images", "labels"):
        raw = overrides.get(part, _idx_bytes(part))
        name = datasets.MNIST_FILES[kind, part] + (".gz" if gz else "")
        path = folder / name
        path.write_bytes(gzip.compress(raw) if gz else raw)
        paths[part] = path
    if sums:
        lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}" for p in paths.values()]
        old = (folder / "SHA256SUMS").read_text() if (folder / "SHA256SUMS").exists() else ""
        (folder / "SHA256SUMS").write_text(old + "\n".join(lines) + "\n")
    return paths


@pytest.fixture
def offline(monkeypatch):
    """Mirrors that refuse connections at once (nothing listens on port 9)."""
    monkeypatch.setattr(datasets, "MNIST_MIRRORS", ("http://127.0.0.1:9/",))


@pytest.fixture
def no_env(monkeypatch, tmp_path):
    monkeypatch.delenv("FASTINIT_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.mark.parametrize("gz", [True, False])
def test_load_synthetic(tmp_path, gz):
    _write(tmp_path, gz=gz)
    x, t = datasets.load_mnist(tmp_path, kind="test")
    assert x.shape == (N, 784) and x.dtype == np.float32
    assert 0 <= x.min() and x.max() <= 1
    assert t.dtype == np.int64 and list(t) == [i % 10 for i in range(N)]
    raw = np.frombuffer(_idx_bytes("images"), np.uint8, offset=16).reshape(N, 784)
    np.testing.assert_array_equal(x, raw.astype(np.float32) / np.float32(255))


def test_load_options(tmp_path):
    _write(tmp_path)
    x, t = datasets.load_mnist(tmp_path, kind="test", flatten=False, one_hot=True,
                               dtype=np.float64)
    assert x.shape == (N, 1, 28, 28) and x.dtype == np.float64
    assert t.shape == (N, 10) and t.dtype == np.float64
    np.testing.assert_array_equal(t.argmax(1), np.arange(N) % 10)
    np.testing.assert_array_equal(t.sum(1), 1)
    x8, _ = datasets.load_mnist(tmp_path, kind="test", normalize=False, dtype=np.uint8)
    assert x8.dtype == np.uint8 and x8.max() > 1
    np.testing.assert_allclose(x.reshape(N, -1), x8 / 255.0)


def test_bad_arguments(tmp_path):
    _write(tmp_path)
    with pytest.raises(ValueError, match="kind"):
        datasets.load_mnist(tmp_path, kind="validation")
    with pytest.raises(TypeError, match="dtype"):
        datasets.load_mnist(tmp_path, kind="test", dtype=np.int32)
    with pytest.raises(TypeError, match="dtype"):
        datasets.load_mnist(tmp_path, kind="test", dtype=np.uint8)  # normalize=True needs floats


def test_root_env_and_cache_order(tmp_path, monkeypatch, no_env):
    a, b = tmp_path / "a", tmp_path / "b"
    _write(a)
    _write(b, images=_idx_bytes("images", n=3), labels=_idx_bytes("labels", n=3))
    monkeypatch.setenv("FASTINIT_DATA", str(b))
    assert len(datasets.load_mnist(a, kind="test")[0]) == N       # root wins
    assert len(datasets.load_mnist(kind="test")[0]) == 3          # then $FASTINIT_DATA
    monkeypatch.delenv("FASTINIT_DATA")
    assert datasets.mnist_dir() == tmp_path / "cache" / "fastinit" / "mnist"
    _write(datasets.mnist_dir())
    assert len(datasets.load_mnist(kind="test")[0]) == N          # then the cache
    assert datasets.mnist_available(kind="test") and not datasets.mnist_available(kind="train")


@pytest.mark.parametrize("gz", [True, False])
def test_wrong_magic(tmp_path, gz):
    paths = _write(tmp_path, gz=gz, images=_idx_bytes("images", magic=2049))
    with pytest.raises(ValueError, match="wrong magic number 2049") as err:
        datasets.load_mnist(tmp_path, kind="test")
    assert str(paths["images"]) in str(err.value)


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_data(tmp_path, gz):
    paths = _write(tmp_path, gz=gz, images=_idx_bytes("images")[:-100])
    with pytest.raises(ValueError, match="truncated") as err:
        datasets.load_mnist(tmp_path, kind="test")
    assert paths["images"].name in str(err.value)


def test_truncated_header_and_trailing_bytes(tmp_path):
    _write(tmp_path, labels=_idx_bytes("labels")[:6])
    with pytest.raises(ValueError, match="t10k-labels.*truncated"):
        datasets.load_mnist(tmp_path, kind="test")
    _write(tmp_path / "b", labels=_idx_bytes("labels") + b"\0")
    with pytest.raises(ValueError, match="trailing bytes"):
        datasets.load_mnist(tmp_path / "b", kind="test")


def test_truncated_gzip_stream(tmp_path):
    paths = _write(tmp_path, sums=False)
    blob = paths["images"].read_bytes()
    paths["images"].write_bytes(blob[: len(blob) // 2])
    (tmp_path / "SHA256SUMS").write_text("")  # no sums listed: only the format is checked
    with pytest.raises(ValueError, match="cannot be read as gzip") as err:
        datasets.load_mnist(tmp_path, kind="test")
    assert paths["images"].name in str(err.value)


def test_count_mismatch(tmp_path):
    _write(tmp_path, labels=_idx_bytes("labels", n=N - 1))
    with pytest.raises(ValueError, match=f"{N} images but .*t10k-labels.* {N - 1} labels"):
        datasets.load_mnist(tmp_path, kind="test")


def test_wrong_image_size_and_label_range(tmp_path):
    _write(tmp_path, images=_idx_bytes("images", dims=(N, 8, 8)))
    with pytest.raises(ValueError, match="8x8, expected 28x28"):
        datasets.load_mnist(tmp_path, kind="test")
    _write(tmp_path / "b", labels=_idx_bytes("labels", data=bytes([3] * (N - 1) + [12])))
    with pytest.raises(ValueError, match="label 12 out of range"):
        datasets.load_mnist(tmp_path / "b", kind="test")


def test_checksum_mismatch_sha256sums(tmp_path):
    paths = _write(tmp_path)
    good = paths["labels"].read_bytes()
    paths["labels"].write_bytes(gzip.compress(_idx_bytes("labels", data=bytes(N))))
    with pytest.raises(ValueError, match="checksum mismatch.*SHA256SUMS") as err:
        datasets.load_mnist(tmp_path, kind="test")
    assert str(paths["labels"]) in str(err.value)
    paths["labels"].write_bytes(good)
    datasets.load_mnist(tmp_path, kind="test")


def test_checksum_mismatch_published_hash(tmp_path):
    paths = _write(tmp_path, sums=False)  # standard .gz names, no SHA256SUMS
    with pytest.raises(ValueError, match="checksum mismatch.*published MNIST hash") as err:
        datasets.load_mnist(tmp_path, kind="test")
    assert paths["images"].name in str(err.value)


def test_missing_no_download(tmp_path):
    with pytest.raises(FileNotFoundError, match="FASTINIT_DATA") as err:
        datasets.load_mnist(tmp_path, kind="train", download=False)
    assert str(tmp_path) in str(err.value)


def test_missing_offline_says_where_to_put_files(tmp_path, offline):
    pytest.importorskip("pooch", reason="downloads need pooch (the data extra)")
    with pytest.raises(FileNotFoundError) as err:
        datasets.load_mnist(tmp_path / "d", kind="train")
    msg = str(err.value)
    assert "could not be downloaded" in msg and "train-images-idx3-ubyte.gz" in msg
    assert str(tmp_path / "d") in msg and "FASTINIT_DATA" in msg
    assert not list((tmp_path / "d").glob("*"))  # no partial file left behind


class _Server:
    """A local HTTP server over a folder, counting requests."""

    def __init__(self, folder):
        handler = type("H", (http.server.SimpleHTTPRequestHandler,),
                       {"log_message": lambda *a: None})
        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), lambda *a: handler(*a, directory=str(folder)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    """A local mirror serving synthetic files, with their hashes published."""
    pytest.importorskip("pooch")
    served = tmp_path / "served"
    paths = _write(served, sums=False)
    hashes = dict(datasets.MNIST_SHA256)
    hashes.update({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths.values()})
    monkeypatch.setattr(datasets, "MNIST_SHA256", hashes)
    server = _Server(served)
    monkeypatch.setattr(datasets, "MNIST_MIRRORS", ("http://127.0.0.1:9/", server.url))
    yield served
    server.close()


def test_download_from_mirror(tmp_path, mirror):
    dest = tmp_path / "dest"
    x, t = datasets.load_mnist(dest, kind="test")  # first mirror refuses, second serves
    assert x.shape == (N, 784) and len(t) == N
    names = sorted(p.name for p in dest.iterdir())
    assert names == ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]  # no .part
    for name in names:
        assert (dest / name).read_bytes() == (mirror / name).read_bytes()


def test_download_checksum_mismatch_leaves_nothing(tmp_path, mirror, monkeypatch):
    monkeypatch.setitem(datasets.MNIST_SHA256, "t10k-images-idx3-ubyte.gz", "0" * 64)
    dest = tmp_path / "dest"
    with pytest.raises(FileNotFoundError, match="checksum mismatch.*SHA-256 0{64}") as err:
        datasets.load_mnist(dest, kind="test")
    assert "t10k-images-idx3-ubyte.gz" in str(err.value) and str(dest) in str(err.value)
    assert not dest.exists() or not list(dest.iterdir())  # neither the file nor a temporary


def test_corrupt_mirror_falls_through_to_the_next(tmp_path, mirror, monkeypatch):
    """A mirror serving a corrupt copy is rejected and the next one is tried."""
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    for p in mirror.iterdir():
        blob = bytearray(p.read_bytes())
        blob[len(blob) // 2] ^= 0xFF
        (corrupt / p.name).write_bytes(bytes(blob))
    bad = _Server(corrupt)
    try:
        monkeypatch.setattr(datasets, "MNIST_MIRRORS", (bad.url, datasets.MNIST_MIRRORS[1]))
        dest = tmp_path / "dest"
        x, _ = datasets.load_mnist(dest, kind="test")
        assert x.shape == (N, 784)
        for p in mirror.iterdir():
            assert (dest / p.name).read_bytes() == p.read_bytes()
        monkeypatch.setattr(datasets, "MNIST_MIRRORS", (bad.url,))
        with pytest.raises(FileNotFoundError, match="checksum mismatch"):
            datasets.load_mnist(tmp_path / "only-bad", kind="test")
        assert not list((tmp_path / "only-bad").glob("*"))
    finally:
        bad.close()


def test_missing_pooch_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pooch", None)
    with pytest.raises(FileNotFoundError, match=r"without pooch.*fastinit\[data\]") as err:
        datasets.load_mnist(tmp_path / "d", kind="test")
    assert str(tmp_path / "d") in str(err.value) and "FASTINIT_DATA" in str(err.value)


def test_load_digits():
    pytest.importorskip("sklearn")
    x, t = datasets.load_digits()
    assert x.shape == (1797, 64) and x.dtype == np.float32
    assert 0 <= x.min() and x.max() == 1 and t.dtype == np.int64 and set(t) == set(range(10))


def test_study_data_test_only_split(tmp_path):
    _write(tmp_path, images=_idx_bytes("images", n=50), labels=_idx_bytes("labels", n=50))
    data = datasets.load_study_data(tmp_path)
    assert data.name == "mnist-test-split" and "8,000/2,000" in data.note
    assert len(data.x_train) == 40 and len(data.x_test) == 10
    x, t = datasets.load_mnist(tmp_path, kind="test")
    np.testing.assert_array_equal(data.x_test, x[4::5])  # every fifth image held out
    np.testing.assert_array_equal(data.t_train, np.delete(t, np.arange(4, 50, 5)))


def test_study_data_falls_back_to_digits(tmp_path, offline):
    pytest.importorskip("sklearn")
    data = datasets.load_study_data(tmp_path / "none")
    assert data.name == "digits" and "fell back" in data.note and "could not be downloaded" \
        in data.note
    assert data.x_train.shape[1] == 64 and len(data.x_train) + len(data.x_test) == 1797
    with pytest.raises(FileNotFoundError):
        datasets.load_study_data(tmp_path / "none", "mnist")
    with pytest.raises(ValueError, match="dataset"):
        datasets.load_study_data(tmp_path, "cifar")


def test_study_data_bad_file_falls_back_with_reason(tmp_path):
    pytest.importorskip("sklearn")
    _write(tmp_path, images=_idx_bytes("images", magic=7))
    data = datasets.load_study_data(tmp_path)
    assert data.name == "digits" and "wrong magic number" in data.note


@pytest.mark.skipif(mnist_dir() is None, reason="no MNIST folder: set FASTINIT_DATA")
def test_real_mnist_test_set():
    x, t = datasets.load_mnist(kind="test")
    assert x.shape == (10000, 784) and x.dtype == np.float32
    np.testing.assert_array_equal(np.bincount(t, minlength=10),
                                  [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    assert x.min() == 0 and x.max() == 1
    data = datasets.load_study_data()
    assert len(data.x_train) + len(data.x_test) >= 10000


def test_offline_fallback_note_is_short_one_fact_per_line(tmp_path, offline):
    pytest.importorskip("sklearn")
    data = datasets.load_study_data(tmp_path / "none")
    lines = data.note.split("\n")
    assert len(lines) == 3
    assert lines[0].startswith("the study fell back to scikit-learn's 8x8 digits")
    assert lines[1].startswith("MNIST could not be loaded") and "could not be downloaded" in lines[1]
    assert "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz alone are enough" in lines[2]
    assert all(len(line) < 400 for line in lines) and "..." not in data.note
    assert "Caused by" not in data.note  # the class names the failure, not its long message
