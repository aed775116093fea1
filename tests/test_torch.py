"""fastinit.torch against PyTorch itself: distributions by KS test against
torch's own init, bounds by torch's formulas, errors by type; bitwise
repeatability, thread-count and shard invariance, 16-bit rounding."""
import math
import socket
import sys
import threading

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="fastinit.torch needs PyTorch (extra 'torch')")
stats = pytest.importorskip("scipy.stats")

import fastinit  # noqa: E402
import fastinit.torch as ft  # noqa: E402
from fastinit.random import Generator  # noqa: E402

from conftest import run_python  # noqa: E402

P_MIN = 1e-4
N_KS = 100_000
HALF = (torch.bfloat16, torch.float16)
FLOATS = (torch.float32, torch.float64) + HALF


def ks(ours, theirs):
    """KS p-value of two samples (tensors of any shape and dtype)."""
    a = ours.detach().double().flatten().numpy()
    b = theirs.detach().double().flatten().numpy()
    assert a.size >= N_KS and b.size >= N_KS
    return stats.ks_2samp(a, b).pvalue


def bits(t):
    """The raw bits of a tensor, for bitwise comparison."""
    t = t.detach().contiguous()
    return t.view({8: torch.int64, 4: torch.int32, 2: torch.int16}[t.element_size()])


def same_bits(a, b):
    return a.shape == b.shape and a.dtype == b.dtype and torch.equal(bits(a), bits(b))


def torch_seeded(fn, *args, **kwargs):
    torch.manual_seed(1234)
    return fn(*args, **kwargs)


# ---------------------------------------------------------------------------
# torch.nn.init, function by function
# ---------------------------------------------------------------------------

# (name, args, shape): every random function of torch.nn.init with a shape
# of >= 10^5 elements and arguments away from the defaults where they matter
RANDOM_CASES = [
    ("uniform_", (), (400, 250)),
    ("uniform_", (-3.0, 0.5), (400, 250)),
    ("normal_", (), (400, 250)),
    ("normal_", (2.0, 0.1), (400, 250)),
    ("trunc_normal_", (), (400, 250)),
    ("trunc_normal_", (0.0, 0.02, -0.04, 0.04), (400, 250)),
    ("trunc_normal_", (1.0, 2.0, 0.0, 5.0), (400, 250)),
    ("xavier_uniform_", (), (400, 250)),
    ("xavier_uniform_", (2.0,), (64, 32, 7, 7)),
    ("xavier_normal_", (), (400, 250)),
    ("kaiming_uniform_", (), (400, 250)),
    ("kaiming_uniform_", (math.sqrt(5),), (64, 32, 7, 7)),
    ("kaiming_uniform_", (0, "fan_out", "relu"), (400, 250)),
    ("kaiming_normal_", (), (400, 250)),
    ("kaiming_normal_", (0.2, "fan_out", "leaky_relu"), (128, 64, 3, 5)),
    ("kaiming_normal_", (0, "fan_in", "tanh"), (400, 250)),
    ("orthogonal_", (), (400, 250)),
    ("orthogonal_", (0.5,), (100, 20, 50)),
]


@pytest.mark.parametrize("name,args,shape", RANDOM_CASES,
                         ids=[f"{c[0]}{c[1]}-{'x'.join(map(str, c[2]))}" for c in RANDOM_CASES])
def test_distribution_matches_torch(name, args, shape):
    ours = getattr(ft.init, name)(torch.empty(shape), *args, seed=7)
    theirs = torch_seeded(getattr(torch.nn.init, name), torch.empty(shape), *args)
    assert ks(ours, theirs) > P_MIN


def test_sparse_matches_torch():
    shape, sparsity = (400, 300), 0.3
    ours = ft.init.sparse_(torch.empty(shape), sparsity, std=0.05, seed=3)
    theirs = torch_seeded(torch.nn.init.sparse_, torch.empty(shape), sparsity, std=0.05)
    zeros = math.ceil(sparsity * shape[0])
    assert ((ours == 0).sum(0) == zeros).all() and ((theirs == 0).sum(0) == zeros).all()
    assert stats.ks_2samp(ours[ours != 0].double().numpy(),
                          theirs[theirs != 0].double().numpy()).pvalue > P_MIN


@pytest.mark.parametrize("name,args,shape", [
    ("xavier_uniform_", (1.5,), (300, 200)),
    ("kaiming_uniform_", (math.sqrt(5),), (300, 200)),
    ("kaiming_uniform_", (0, "fan_out", "relu"), (16, 8, 3, 3)),
    ("uniform_", (-0.25, 0.75), (300, 200)),
])
def test_uniform_bounds_follow_torchs_formula(name, args, shape):
    t = getattr(ft.init, name)(torch.empty(shape, dtype=torch.float64), *args, seed=1)
    fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(t)
    if name == "xavier_uniform_":
        lo, hi = -args[0] * math.sqrt(6 / (fan_in + fan_out)), args[0] * math.sqrt(6 / (fan_in + fan_out))
    elif name == "kaiming_uniform_":
        a = args[0]
        mode, nl = (args[1], args[2]) if len(args) > 1 else ("fan_in", "leaky_relu")
        fan = fan_in if mode == "fan_in" else fan_out
        b = torch.nn.init.calculate_gain(nl, a) * math.sqrt(3.0 / fan)
        lo, hi = -b, b
    else:
        lo, hi = args
    assert lo <= t.min().item() and t.max().item() <= hi
    span = hi - lo
    assert t.min().item() < lo + 0.01 * span and t.max().item() > hi - 0.01 * span


@pytest.mark.parametrize("name,args,std_of", [
    ("normal_", (0.0, 0.3), lambda fi, fo: 0.3),
    ("xavier_normal_", (2.0,), lambda fi, fo: 2.0 * math.sqrt(2 / (fi + fo))),
    ("kaiming_normal_", (0, "fan_out", "relu"), lambda fi, fo: math.sqrt(2 / fo)),
])
def test_normal_std_follows_torchs_formula(name, args, std_of):
    t = getattr(ft.init, name)(torch.empty(500, 400, dtype=torch.float64), *args, seed=2)
    want = std_of(400, 500)
    assert abs(t.std().item() / want - 1) < 0.01 and abs(t.mean().item()) < 0.01 * want


def test_trunc_normal_uses_absolute_bounds():
    t = ft.init.trunc_normal_(torch.empty(200_000), mean=1.0, std=1.0, a=0.5, b=1.2, seed=4)
    assert 0.5 <= t.min().item() and t.max().item() <= 1.2
    assert t.min().item() < 0.51 and t.max().item() > 1.19


@pytest.mark.parametrize("nonlinearity,param", [
    ("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None),
    ("conv_transpose1d", None), ("conv_transpose2d", None), ("conv_transpose3d", None),
    ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
    ("leaky_relu", 0.2), ("leaky_relu", 0), ("leaky_relu", 3), ("selu", None)])
def test_calculate_gain_equals_torch(nonlinearity, param):
    assert ft.init.calculate_gain(nonlinearity, param) == \
        torch.nn.init.calculate_gain(nonlinearity, param)


@pytest.mark.parametrize("name,args,shape", [
    ("constant_", (0.37,), (5, 7)), ("ones_", (), (3, 4, 5)), ("zeros_", (), (9,)),
    ("eye_", (), (4, 7)), ("eye_", (), (6, 3)),
    ("dirac_", (), (6, 4, 3)), ("dirac_", (2,), (8, 3, 3, 3)), ("dirac_", (), (4, 4, 3, 3, 3)),
])
@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_deterministic_initializers_equal_torch(name, args, shape, dtype):
    ours = getattr(ft.init, name)(torch.full(shape, 9.0, dtype=dtype), *args)
    theirs = getattr(torch.nn.init, name)(torch.full(shape, 9.0, dtype=dtype), *args)
    assert same_bits(ours, theirs)


# ---------------------------------------------------------------------------
# Memory, dtypes, views
# ---------------------------------------------------------------------------

ELEMENTWISE = [("uniform_", (-1.0, 2.0)), ("normal_", (0.5, 2.0)),
               ("trunc_normal_", (0.0, 1.0, -1.5, 2.5)), ("xavier_uniform_", ()),
               ("xavier_normal_", ()), ("kaiming_uniform_", (math.sqrt(5),)),
               ("kaiming_normal_", ()), ("constant_", (0.25,))]


def _call(name, tensor, args, **kwargs):
    if name == "constant_":
        kwargs.pop("seed", None)
    return getattr(ft.init, name)(tensor, *args, **kwargs)


@pytest.mark.parametrize("name,args", ELEMENTWISE, ids=[c[0] for c in ELEMENTWISE])
@pytest.mark.parametrize("dtype", HALF, ids=str)
@pytest.mark.parametrize("shape", [(1, 1), (3, 17), (129, 3), (1000, 7)], ids=str)
def test_half_precision_is_float32_rounded(name, args, dtype, shape):
    wide = _call(name, torch.empty(shape), args, seed=11)
    half = _call(name, torch.empty(shape, dtype=dtype), args, seed=11)
    assert same_bits(half, wide.to(dtype))


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_fills_tensor_memory_without_copy(dtype):
    t = torch.empty(300, 200, dtype=dtype)
    ptr = t.data_ptr()
    out = ft.init.normal_(t, seed=1)
    assert out is t and t.data_ptr() == ptr
    expect = fastinit.init.normal((300, 200), dtype=np.float32 if dtype in HALF else
                                  {torch.float32: np.float32, torch.float64: np.float64}[dtype],
                                  seed=1)
    if dtype in HALF:
        assert same_bits(t, torch.from_numpy(expect).to(dtype))
    else:
        assert np.array_equal(t.numpy(), expect)


@pytest.mark.parametrize("view", ["transpose", "stride", "column"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16], ids=str)
def test_non_contiguous_view_is_filled_like_its_shape(view, dtype):
    base = torch.full((40, 60), 7.0, dtype=dtype)
    v = {"transpose": base.t(), "stride": base[::2, 1::3], "column": base[:, 5]}[view]
    if v.dim() < 2:
        ft.init.normal_(v, seed=5)
        expect = ft.init.normal_(torch.empty(v.shape, dtype=dtype), seed=5)
    else:
        ft.init.xavier_uniform_(v, seed=5)
        expect = ft.init.xavier_uniform_(torch.empty(v.shape, dtype=dtype), seed=5)
    assert same_bits(v, expect)
    untouched = torch.ones_like(base, dtype=torch.bool)
    untouched[{"transpose": (slice(None),) * 2, "stride": (slice(None, None, 2), slice(1, None, 3)),
               "column": (slice(None), 5)}[view]] = False
    assert (base[untouched] == 7.0).all()


def test_parameter_requiring_grad_is_filled_and_version_bumped():
    layer = torch.nn.Linear(50, 40)
    before = layer.weight._version
    ft.init.kaiming_normal_(layer.weight, seed=0)
    assert layer.weight.requires_grad and layer.weight._version > before
    assert same_bits(layer.weight, ft.init.kaiming_normal_(torch.empty(40, 50), seed=0))


def test_seed_generator_is_advanced():
    g = Generator(3)
    a = ft.init.normal_(torch.empty(10, 10), seed=g)
    b = ft.init.normal_(torch.empty(10, 10), seed=g)
    assert not torch.equal(a, b)
    h = Generator(3)
    assert torch.equal(a, ft.init.normal_(torch.empty(10, 10), seed=h))
    assert torch.equal(b, ft.init.normal_(torch.empty(10, 10), seed=h))


def test_same_bits_for_any_thread_count(threads):
    results = []
    for n in (1, 2, 3):
        fastinit.set_num_threads(n)
        with ft.fast_init(seed=21):
            model = torch.nn.Sequential(torch.nn.Linear(700, 300), torch.nn.Embedding(500, 64))
        results.append(model.state_dict())
    for other in results[1:]:
        assert all(same_bits(other[k], results[0][k]) for k in results[0])


# ---------------------------------------------------------------------------
# Shards
# ---------------------------------------------------------------------------

SHARDS = [(slice(0, 12), slice(None)), (slice(None), slice(5, 9)),
          (slice(7, 20), slice(2, 31)), (slice(19, 20), slice(30, 31))]


@pytest.mark.parametrize("name,args", ELEMENTWISE, ids=[c[0] for c in ELEMENTWISE])
@pytest.mark.parametrize("index", SHARDS, ids=str)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16], ids=str)
def test_shard_equals_the_block_of_the_full_tensor(name, args, index, dtype):
    full = _call(name, torch.empty(20, 31, dtype=dtype), args, seed=9)
    block = full[index]
    local = _call(name, torch.empty(block.shape, dtype=dtype), args, seed=9,
                  global_shape=(20, 31), index=index)
    assert same_bits(local, block)


def test_shard_fans_come_from_the_global_shape():
    local = ft.init.kaiming_uniform_(torch.empty(10, 4096), seed=0, global_shape=(10, 8192),
                                     index=(slice(None), slice(4096, 8192)))
    bound = math.sqrt(3.0) * math.sqrt(2.0) / math.sqrt(8192)
    assert local.abs().max().item() <= bound and local.abs().max().item() > 0.99 * bound


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


DTENSOR_SCRIPT = r"""
import sys, torch, torch.distributed as dist
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.tensor import distribute_tensor, Shard, Replicate
import fastinit.torch as ft
rank, port = int(sys.argv[1]), sys.argv[2]
dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=2)
mesh = init_device_mesh("cpu", (2,))
full = ft.init.kaiming_normal_(torch.empty(9, 13), seed=3)
ok = True
for placement in (Shard(0), Shard(1), Replicate()):
    dt = distribute_tensor(torch.zeros(9, 13), mesh, [placement])
    ft.init.kaiming_normal_(dt, seed=3)
    ok &= torch.equal(dt.full_tensor(), full)
    ok &= not torch.equal(dt.to_local(), torch.zeros_like(dt.to_local()))
dist.destroy_process_group()
sys.stdout.flush()
# os._exit: torch's gloo threads can abort the interpreter's own teardown
# ("terminate called without an active exception"), a torch exit race that
# has nothing to do with the values checked above
import os
os._exit(0 if ok else 1)
"""


def test_dtensor_is_filled_shard_by_shard(tmp_path):
    pytest.importorskip("torch.distributed.tensor")
    if not torch.distributed.is_available() or not torch.distributed.is_gloo_available():
        pytest.skip("torch.distributed with gloo is not available in this torch build")
    import subprocess
    script = tmp_path / "dtensor_init.py"
    script.write_text(DTENSOR_SCRIPT)
    port = str(_free_port())
    procs = [subprocess.Popen([sys.executable, str(script), str(r), port],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for r in (0, 1)]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs


# ---------------------------------------------------------------------------
# fast_init and reset_parameters, layer by layer
# ---------------------------------------------------------------------------

# layer factories; a parameter with fewer than 10^5 elements (a bias) is
# pooled over as many freshly initialized layers as it takes to reach 10^5
# samples.  LayerNorm/BatchNorm/GroupNorm are deterministic: compared exactly.
LAYERS = {
    "Linear": lambda: torch.nn.Linear(100, 1000),
    "Conv1d": lambda: torch.nn.Conv1d(40, 1000, 3),
    "Conv2d": lambda: torch.nn.Conv2d(16, 1000, 3),
    "Conv3d": lambda: torch.nn.Conv3d(4, 1000, 3),
    "ConvTranspose2d": lambda: torch.nn.ConvTranspose2d(4, 1000, 5),
    "Embedding": lambda: torch.nn.Embedding(1000, 100),
    "Bilinear": lambda: torch.nn.Bilinear(10, 10, 1000),
    "MultiheadAttention": lambda: torch.nn.MultiheadAttention(320, 4),
    "RNN": lambda: torch.nn.RNN(16, 320),
    "LSTM": lambda: torch.nn.LSTM(8, 160),
    "GRU": lambda: torch.nn.GRU(8, 190),
}
DETERMINISTIC = {
    "LayerNorm": lambda: torch.nn.LayerNorm((30, 7)),
    "BatchNorm2d": lambda: torch.nn.BatchNorm2d(50),
    "GroupNorm": lambda: torch.nn.GroupNorm(4, 16),
}


def _samples(initialized_layers):
    """name -> >= 10^5 values of that parameter, drawn from the layers the
    iterator yields (each freshly initialized), or the tensor itself when it
    is constant."""
    got = {}
    for layer in initialized_layers:
        for name, p in layer.named_parameters():
            parts = got.setdefault(name, [])
            if sum(x.numel() for x in parts) < N_KS:
                parts.append(p.detach().flatten().clone())
        if all(sum(x.numel() for x in v) >= N_KS for v in got.values()):
            break
    return {k: torch.cat(v) for k, v in got.items()}


def _compare_to_torch(ours, theirs):
    assert ours.keys() == theirs.keys()
    for name in theirs:
        a, b = ours[name], theirs[name]
        if b.std().item() == 0:
            assert torch.equal(a, b), name
        else:
            assert ks(a, b) > P_MIN, name


def _torch_layers(make):
    torch.manual_seed(1234)
    while True:
        yield make()


def _fast_init_layers(make):
    with ft.fast_init(seed=5):
        while True:
            yield make()


def _reset_layers(make):
    layer, gen = make(), Generator(6)
    while True:
        yield ft.reset_parameters(layer, seed=gen)


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_fast_init_layer_matches_torch(layer):
    _compare_to_torch(_samples(_fast_init_layers(LAYERS[layer])),
                      _samples(_torch_layers(LAYERS[layer])))


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_reset_parameters_layer_matches_torch(layer):
    _compare_to_torch(_samples(_reset_layers(LAYERS[layer])),
                      _samples(_torch_layers(LAYERS[layer])))
    # reset_parameters under a seed rebuilds what fast_init built
    ours = ft.reset_parameters(LAYERS[layer](), seed=6)
    with ft.fast_init(seed=6):
        built = LAYERS[layer]()
    assert all(same_bits(a, b) for a, b in zip(ours.parameters(), built.parameters()))


@pytest.mark.parametrize("layer", sorted(DETERMINISTIC))
def test_deterministic_layers_equal_torch(layer):
    theirs = DETERMINISTIC[layer]()
    with ft.fast_init(seed=0):
        ours = DETERMINISTIC[layer]()
    ours.weight.data.mul_(3.0)
    ft.reset_parameters(ours, seed=0)
    for a, b in zip(ours.state_dict().values(), theirs.state_dict().values()):
        assert torch.equal(a, b)


def _gpt_block():
    return torch.nn.ModuleList([torch.nn.Embedding(300, 48), torch.nn.LayerNorm(48),
                                torch.nn.Linear(48, 144), torch.nn.Linear(48, 192),
                                torch.nn.TransformerEncoderLayer(48, 4, 96)])


def test_fast_init_same_seed_same_model_bitwise():
    with ft.fast_init(seed=8):
        a = _gpt_block()
    with ft.fast_init(seed=8):
        b = _gpt_block()
    with ft.fast_init(seed=9):
        c = _gpt_block()
    sa, sb, sc = a.state_dict(), b.state_dict(), c.state_dict()
    assert all(same_bits(sa[k], sb[k]) for k in sa)
    assert not torch.equal(sa["0.weight"], sc["0.weight"])


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=str)
def test_fast_init_in_half_precision_rounds_the_float32_model(dtype):
    with ft.fast_init(seed=12):
        wide = torch.nn.Linear(64, 32)
    default = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        with ft.fast_init(seed=12):
            half = torch.nn.Linear(64, 32)
    finally:
        torch.set_default_dtype(default)
    assert half.weight.dtype == dtype
    assert same_bits(half.weight, wide.weight.to(dtype))
    assert same_bits(half.bias, wide.bias.to(dtype))


def test_fast_init_draws_tensor_methods_and_factories_from_fastinit():
    with ft.fast_init(seed=13) as gen:
        assert isinstance(gen, Generator)
        x = torch.empty(50, 20).uniform_(-2, 3)
        y = torch.randn(4, 5, requires_grad=True)
        z = torch.rand_like(x)
        w = torch.nn.init.trunc_normal_(torch.empty(30, 30), std=0.02)
    h = Generator(13)
    assert torch.equal(x, ft.init.uniform_(torch.empty(50, 20), -2, 3, seed=h))
    assert torch.equal(y.detach(), ft.init.normal_(torch.empty(4, 5), seed=h))
    assert y.requires_grad and y.is_leaf
    assert torch.equal(z, ft.init.uniform_(torch.empty(50, 20), seed=h))
    assert torch.equal(w, ft.init.trunc_normal_(torch.empty(30, 30), std=0.02, seed=h))


def test_fast_init_keeps_an_explicit_torch_generator():
    with ft.fast_init(seed=0):
        a = torch.nn.init.normal_(torch.empty(100), generator=torch.Generator().manual_seed(4))
        b = torch.empty(100).uniform_(generator=torch.Generator().manual_seed(4))
        c = torch.nn.init.trunc_normal_(torch.empty(100), generator=torch.Generator().manual_seed(4))
    assert torch.equal(a, torch.nn.init.normal_(torch.empty(100),
                                                generator=torch.Generator().manual_seed(4)))
    assert torch.equal(b, torch.empty(100).uniform_(generator=torch.Generator().manual_seed(4)))
    assert torch.equal(c, torch.nn.init.trunc_normal_(
        torch.empty(100), generator=torch.Generator().manual_seed(4)))


def test_fast_init_restores_torch_and_leaves_other_threads_alone():
    original = torch.nn.init.trunc_normal_
    seen = {}

    def other_thread():
        torch.manual_seed(77)
        seen["t"] = torch.nn.init.trunc_normal_(torch.empty(1000))

    with ft.fast_init(seed=1):
        assert torch.nn.init.trunc_normal_ is not original
        with ft.fast_init(seed=2):
            pass
        assert torch.nn.init.trunc_normal_ is not original  # still inside the outer block
        th = threading.Thread(target=other_thread)
        th.start()
        th.join()
    assert torch.nn.init.trunc_normal_ is original
    torch.manual_seed(77)
    assert torch.equal(seen["t"], torch.nn.init.trunc_normal_(torch.empty(1000)))


def test_fast_init_leaves_other_tensors_to_torch():
    with ft.fast_init(seed=0):
        ints = torch.empty(10, dtype=torch.int64).random_(0, 5)
        meta = torch.nn.Linear(4, 3, device="meta")
        grad_leaf = torch.zeros(3, requires_grad=True)
        with pytest.raises(RuntimeError):
            grad_leaf.normal_()  # torch's own error: in-place on a leaf that requires grad
    assert ints.dtype == torch.int64 and meta.weight.is_meta


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------

def test_bad_input_raises_clear_errors():
    with pytest.raises(TypeError, match="torch.Tensor"):
        ft.init.normal_(np.zeros(3), seed=0)
    with pytest.raises(TypeError, match="int64"):
        ft.init.uniform_(torch.zeros(3, dtype=torch.int64), seed=0)
    with pytest.raises(ValueError, match="Unsupported nonlinearity|nonlinearity"):
        ft.init.kaiming_uniform_(torch.empty(3, 4), nonlinearity="swish", seed=0)
    with pytest.raises(ValueError, match="Mode"):
        ft.init.kaiming_normal_(torch.empty(3, 4), mode="fan_avg", seed=0)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        ft.init.xavier_uniform_(torch.empty(5), seed=0)
    with pytest.raises(ValueError, match="meta"):
        ft.init.normal_(torch.empty(3, device="meta"), seed=0)
    with pytest.raises(ValueError, match="share memory"):
        ft.init.normal_(torch.empty(3).expand(4, 3), seed=0)
    with pytest.raises(ValueError, match="a <= b"):
        ft.init.uniform_(torch.empty(3), 2.0, 1.0, seed=0)
    with pytest.raises(ValueError, match="std > 0"):
        ft.init.trunc_normal_(torch.empty(3), std=0.0, seed=0)
    with pytest.raises(TypeError, match="index"):
        ft.init.normal_(torch.empty(2, 3), seed=0, global_shape=(4, 3), index=[0, 2])
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 3\)"):
        ft.init.normal_(torch.empty(2, 3), seed=0, global_shape=(4, 3),
                        index=(slice(0, 3), slice(None)))
    with pytest.raises(ValueError, match="go together"):
        ft.init.normal_(torch.empty(2, 3), seed=0, global_shape=(4, 3))
    with pytest.raises(TypeError, match="torch.nn.Module"):
        ft.reset_parameters(torch.empty(3), seed=0)
    with pytest.raises(ValueError, match="to_empty"):
        ft.reset_parameters(torch.nn.Linear(3, 4, device="meta"), seed=0)
    with pytest.raises(TypeError, match="generator"):
        ft.init.normal_(torch.empty(3), generator=torch.Generator())


def test_kaiming_slope_with_another_nonlinearity_warns_and_follows_torch():
    with pytest.warns(UserWarning, match="ignored"):
        t = ft.init.kaiming_uniform_(torch.empty(100, 400), a=0.5, nonlinearity="relu", seed=0)
    assert t.abs().max().item() <= math.sqrt(6 / 400)


def test_zero_element_tensor_is_a_no_op_with_a_warning():
    with pytest.warns(UserWarning, match="zero-element"):
        ft.init.kaiming_uniform_(torch.empty(0, 4), seed=0)
    with pytest.warns(UserWarning, match="zero-element"):
        ft.init.normal_(torch.empty(0), seed=0)


def test_import_without_torch_says_what_to_install():
    res = run_python("import sys; sys.modules['torch'] = None\n"
                     "import fastinit.torch", check=False)
    assert res.returncode != 0
    assert "fastinit.torch needs PyTorch" in res.stderr and "fastinit[torch]" in res.stderr
