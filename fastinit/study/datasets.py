"""Datasets for the study: MNIST from its original IDX files, and
scikit-learn's bundled 8x8 digits as an offline stand-in.

``load_mnist`` looks for the four IDX files (``.gz`` or uncompressed) in one
folder: ``root`` when given, else ``$FASTINIT_DATA``, else ``mnist`` in the
cache folder ``pooch.os_cache("fastinit")`` (on Linux, with or without
pooch, ``$XDG_CACHE_HOME/fastinit/mnist``, by default
``~/.cache/fastinit/mnist``).  Missing files are
downloaded into that folder with ``pooch.retrieve`` from the standard
mirrors, each tried in turn (needs ``pip install "fastinit[data]"``); pooch
writes to a temporary file in that folder, checks its SHA-256 and renames it
only when complete, so an interrupted or corrupt download leaves no file
that looks whole.  Every file is checked before it is parsed: its SHA-256
against the folder's ``SHA256SUMS`` when there is one, else against the
published hashes of the ``.gz`` files; then the IDX magic number, the
dimensions against the file size, and the image and label
counts against each other.  Any failure raises an error naming the file.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import pathlib
import struct
import urllib.parse
from typing import Any, Literal, NamedTuple, Union

import numpy as np
from numpy.typing import DTypeLike, NDArray

__all__ = ["load_mnist", "load_digits", "load_study_data", "mnist_dir",
           "mnist_available", "StudyData", "MNIST_FILES", "MNIST_SHA256", "MNIST_MIRRORS"]

#: The four files, by (kind, part).
MNIST_FILES = {
    ("train", "images"): "train-images-idx3-ubyte",
    ("train", "labels"): "train-labels-idx1-ubyte",
    ("test", "images"): "t10k-images-idx3-ubyte",
    ("test", "labels"): "t10k-labels-idx1-ubyte",
}

#: SHA-256 of the published gzip files (byte-identical on every mirror).
MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

#: Tried in order; yann.lecun.com itself now refuses most automated requests.
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

_IDX_MAGIC = {"images": 2051, "labels": 2049}
_DOWNLOAD_TIMEOUT_S = 30

#: A folder given as a string or a path.
StrPath = Union[str, "os.PathLike[str]"]
#: One MNIST split.
Kind = Literal["train", "test"]


# --------------------------------------------------------------------------
# Where the files are
# --------------------------------------------------------------------------

def _cache_dir() -> pathlib.Path:
    """``mnist`` in pooch's cache folder for fastinit.  Without pooch the
    files can still be read (not downloaded) from the folder pooch would use
    on Linux, which is what the error messages then name."""
    try:
        import pooch
    except ImportError:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        return pathlib.Path(base) / "fastinit" / "mnist"
    return pathlib.Path(pooch.os_cache("fastinit")) / "mnist"


def mnist_dir(root: StrPath | None = None) -> pathlib.Path:
    """The folder ``load_mnist`` reads: ``root``, else ``$FASTINIT_DATA``,
    else the cache folder (which need not exist yet)."""
    if root is not None:
        return pathlib.Path(root).expanduser()
    env = os.environ.get("FASTINIT_DATA")
    if env:
        return pathlib.Path(env).expanduser()
    return _cache_dir()


def _find(folder: pathlib.Path, stem: str) -> pathlib.Path | None:
    """The existing file for `stem` in `folder` (``.gz`` preferred), or None."""
    for name in (stem + ".gz", stem):
        path = folder / name
        if path.is_file():
            return path
    return None


def mnist_available(root: StrPath | None = None, kind: Kind = "train") -> bool:
    """True when both files of `kind` are on disk (nothing is downloaded)."""
    folder = mnist_dir(root)
    return all(_find(folder, MNIST_FILES[kind, part]) is not None
               for part in ("images", "labels"))


def _where_to_put(folder: pathlib.Path) -> str:
    test = " and ".join(s + ".gz" for k, s in MNIST_FILES.items() if k[0] == "test")
    return (f"put the MNIST IDX files (.gz or uncompressed) in {folder}, or set "
            f"FASTINIT_DATA to a folder that holds them; the test files {test} alone "
            "are enough (a fixed 8,000/2,000 split)")


# --------------------------------------------------------------------------
# Checksums and download
# --------------------------------------------------------------------------

def _sha256(path: pathlib.Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _listed_sums(folder: pathlib.Path) -> dict[str, str] | None:
    """{file name: sha256} from ``folder/SHA256SUMS`` (sha256sum format)."""
    path = folder / "SHA256SUMS"
    if not path.is_file():
        return None
    sums: dict[str, str] = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 2:
            sums[parts[1].lstrip("*")] = parts[0].lower()
    return sums


def _verify(path: pathlib.Path) -> None:
    """Raise ValueError naming `path` when its SHA-256 is known and differs.
    A SHA256SUMS file in the same folder takes precedence over the
    published hashes (which only cover the .gz files)."""
    sums = _listed_sums(path.parent)
    expected = (sums if sums is not None else MNIST_SHA256).get(path.name)
    if expected is None:
        return
    actual = _sha256(path)
    if actual != expected:
        source = "SHA256SUMS" if sums is not None else "the published MNIST hash"
        raise ValueError(f"{path}: checksum mismatch (SHA-256 {actual}, expected {expected} "
                         f"from {source}); the file is corrupt or not the original, "
                         "delete it to download it again")


def _downloader(pooch: Any) -> Any:
    """pooch's HTTP downloader with a timeout; a progress bar only when tqdm
    (the ``progress`` extra) is there, since pooch refuses one without it."""
    try:
        import tqdm  # noqa: F401
        progressbar = True
    except ImportError:
        progressbar = False
    return pooch.HTTPDownloader(progressbar=progressbar, timeout=_DOWNLOAD_TIMEOUT_S)


def _download(folder: pathlib.Path, name: str) -> pathlib.Path:
    """Download `name` into `folder` with ``pooch.retrieve``, from each
    mirror in turn until one serves the file with the published SHA-256.
    pooch streams into a temporary file beside the target and renames it
    only once it is complete and its hash matches (deleting it otherwise),
    so a failed or corrupt download never leaves a file behind."""
    try:
        import pooch
    except ImportError:
        raise FileNotFoundError(
            f"{name} is not in {folder} and cannot be downloaded without pooch "
            f'(pip install "fastinit[data]"); {_where_to_put(folder)}') from None
    expected = MNIST_SHA256[name]
    downloader = _downloader(pooch)
    errors: list[str] = []
    for mirror in MNIST_MIRRORS:
        try:
            return pathlib.Path(pooch.retrieve(mirror + name, known_hash=f"sha256:{expected}",
                                               fname=name, path=folder, downloader=downloader))
        except Exception as exc:  # noqa: BLE001 - any failure: try the next mirror
            host = urllib.parse.urlsplit(mirror).netloc or mirror
            if isinstance(exc, ValueError) and "hash" in str(exc).lower():
                errors.append(f"{host}: checksum mismatch: the file served is not "
                              f"SHA-256 {expected}")
            else:  # the class says what failed; the messages run to hundreds of characters
                errors.append(f"{host}: {type(exc).__name__}")
    raise FileNotFoundError(
        f"{name} is not in {folder} and could not be downloaded "
        f"({'; '.join(errors)})\nto use MNIST, {_where_to_put(folder)}")


def _locate(folder: pathlib.Path, stem: str, download: bool) -> pathlib.Path:
    path = _find(folder, stem)
    if path is not None:
        return path
    if not download:
        raise FileNotFoundError(f"{stem}(.gz) not found in {folder}\nto use MNIST, "
                                f"{_where_to_put(folder)}")
    return _download(folder, stem + ".gz")


# --------------------------------------------------------------------------
# IDX parsing
# --------------------------------------------------------------------------

def _read_idx(path: pathlib.Path, part: str) -> NDArray[np.uint8]:
    """The uint8 array in an IDX file, with every header field checked."""
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                raw = f.read()
        else:
            raw = path.read_bytes()
    except (OSError, EOFError) as exc:  # bad gzip stream, truncated archive
        raise ValueError(f"{path}: cannot be read as {'gzip' if path.suffix == '.gz' else 'IDX'}"
                         f" ({exc})") from None
    ndim = 3 if part == "images" else 1
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path}: truncated IDX file ({len(raw)} bytes, header needs {header})")
    magic = struct.unpack(">i", raw[:4])[0]
    if magic != _IDX_MAGIC[part]:
        raise ValueError(f"{path}: wrong magic number {magic}, expected {_IDX_MAGIC[part]} "
                         f"for an IDX {part} file")
    dims = struct.unpack(f">{ndim}i", raw[4:header])
    if part == "images" and dims[1:] != (28, 28):
        raise ValueError(f"{path}: images are {dims[1]}x{dims[2]}, expected 28x28")
    size = int(np.prod(dims))
    if len(raw) - header != size:
        what = "truncated" if len(raw) - header < size else "has trailing bytes"
        raise ValueError(f"{path}: {what}: header says {' x '.join(map(str, dims))} = {size} "
                         f"bytes of data, the file holds {len(raw) - header}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def load_mnist(root: StrPath | None = None, *, kind: Kind = "train", normalize: bool = True,
               flatten: bool = True, one_hot: bool = False, dtype: DTypeLike = np.float32,
               download: bool = True) -> tuple[NDArray[Any], NDArray[Any]]:
    """The MNIST images and labels of one split, ``(x, t)``.

    Parameters
    ----------
    root : path, optional
        Folder with the IDX files; default ``$FASTINIT_DATA``, else
        ``mnist`` in ``pooch.os_cache("fastinit")`` (``~/.cache/fastinit/mnist``
        on Linux).  Missing files are downloaded into it
        unless ``download=False``.
    kind : {"train", "test"}
        The 60,000 training or the 10,000 test images.
    normalize : bool
        Scale pixels to [0, 1] (else keep 0..255).
    flatten : bool
        Images as rows of 784 (else ``(N, 1, 28, 28)``, as the book's loader).
    one_hot : bool
        Labels as ``(N, 10)`` one-hot rows of `dtype` (else int64 digits).
    dtype : dtype
        Of the images; ``np.uint8`` is allowed with ``normalize=False``.

    Raises
    ------
    FileNotFoundError
        Files missing and not downloadable; the message says where to put them.
    ValueError
        A bad file (checksum, magic number, truncation, count mismatch),
        named in the message.
    """
    if kind not in ("train", "test"):
        raise ValueError(f"kind must be 'train' or 'test', got {kind!r}")
    dtype = np.dtype(dtype)
    if dtype.kind != "f" and not (dtype == np.uint8 and not normalize):
        raise TypeError(f"dtype must be a float dtype (or uint8 with normalize=False), got {dtype}")
    folder = mnist_dir(root)
    arrays: dict[str, NDArray[np.uint8]] = {}
    paths: dict[str, pathlib.Path] = {}
    for part in ("images", "labels"):
        path = _locate(folder, MNIST_FILES[kind, part], download)
        _verify(path)
        arrays[part] = _read_idx(path, part)
        paths[part] = path
    images, labels = arrays["images"], arrays["labels"]
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{paths['images']} holds {images.shape[0]} images but "
                         f"{paths['labels']} holds {labels.shape[0]} labels")
    if labels.size and labels.max() > 9:
        raise ValueError(f"{paths['labels']}: label {labels.max()} out of range 0..9")
    x = images.astype(dtype)
    if normalize:
        x /= dtype.type(255)
    x = x.reshape(len(x), -1) if flatten else x.reshape(len(x), 1, 28, 28)
    t = labels.astype(np.int64)
    if one_hot:
        t = np.eye(10, dtype=dtype if dtype.kind == "f" else np.float32)[t]
    return x, t


def load_digits(*, normalize: bool = True, flatten: bool = True,
                dtype: DTypeLike = np.float32) -> tuple[NDArray[Any], NDArray[np.int64]]:
    """scikit-learn's bundled 1,797 8x8 digit images, ``(x, t)``: a real
    dataset available offline (``pip install "fastinit[data]"``)."""
    try:
        from sklearn.datasets import load_digits as _sk_digits
    except ImportError:
        raise ImportError('load_digits needs scikit-learn: pip install "fastinit[data]"') from None
    bunch = _sk_digits()
    x = bunch.images.astype(dtype)
    if normalize:
        x /= np.asarray(16, dtype)
    x = x.reshape(len(x), -1) if flatten else x.reshape(len(x), 1, 8, 8)
    return x, bunch.target.astype(np.int64)


# --------------------------------------------------------------------------
# The study's data
# --------------------------------------------------------------------------

class StudyData(NamedTuple):
    """Training and held-out data for the study; `name` is
"mnist", "mnist-test-split" or "digits", `note` says in words what was used."""
    x_train: NDArray[Any]
    t_train: NDArray[Any]
    x_test: NDArray[Any]
    t_test: NDArray[Any]
    name: str
    note: str


def _every_fifth_split(x: NDArray[Any], t: NDArray[Any]
                       ) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any]]:
    """A fixed 80/20 split with no randomness: every fifth image is held out,
    so both halves of the MNIST test set (two writer populations) appear in
    each part."""
    held = np.arange(len(x)) % 5 == 4
    return x[~held], t[~held], x[held], t[held]


def load_study_data(root: StrPath | None = None,
                    dataset: Literal["auto", "mnist", "digits"] = "auto", *,
                    download: bool = True, dtype: DTypeLike = np.float32) -> StudyData:
    """The data the study trains on, as a :class:`StudyData`.

    ``dataset="mnist"``: the 60,000 MNIST training images (held out: the
    10,000 test images); when only the test files are on disk, a fixed
    8,000/2,000 split of the test set.  ``"digits"``: scikit-learn's digits
    with the same fixed 80/20 split.  ``"auto"`` (default) tries MNIST
    (downloading if needed) and falls back to digits when it cannot be had;
    the reason is in ``note``.
    """
    if dataset not in ("auto", "mnist", "digits"):
        raise ValueError(f"dataset must be 'auto', 'mnist' or 'digits', got {dataset!r}")
    folder = mnist_dir(root)
    if dataset in ("auto", "mnist"):
        try:
            if mnist_available(root, "test") and not mnist_available(root, "train"):
                x, t = load_mnist(root, kind="test", dtype=dtype, download=False)
                return StudyData(*_every_fifth_split(x, t), "mnist-test-split",
                                 f"the MNIST test files in {folder} (no training files "
                                 "there): a fixed 8,000/2,000 split of the 10,000 real MNIST "
                                 "test images (every fifth image held out)")
            x, t = load_mnist(root, kind="train", dtype=dtype, download=download)
            xt, tt = load_mnist(root, kind="test", dtype=dtype, download=download)
            return StudyData(x, t, xt, tt, "mnist",
                             f"MNIST from {folder}: 60,000 training images, "
                             "10,000 test images held out")
        except (FileNotFoundError, ValueError) as exc:
            if dataset == "mnist":
                raise
            reason = str(exc)
    split = _every_fifth_split(*load_digits(dtype=dtype))
    note = (f"scikit-learn's 8x8 digits: a fixed {len(split[0]):,}/{len(split[2]):,} split "
            "of its 1,797 images (every fifth image held out)")
    if dataset == "auto":
        # one fact per line: what was used, what failed, how to get MNIST
        note = f"the study fell back to {note}\nMNIST could not be loaded: {reason}"
    return StudyData(*split, "digits", note)
