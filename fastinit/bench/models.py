"""The GPT-2-shaped decoders of the model cases: their weight shapes (the
JAX and Keras cases), and torch models built and timed in a fresh process
(the ``torch_build`` cases).

``python -m fastinit.bench.models CONFIG DTYPE HOW [THREADS]`` builds the
torch model (``HOW``: ``torch``, torch's default init, or ``fastinit``,
under ``fastinit.torch.fast_init``), or initializes every weight of the
model as JAX or Keras users do (``HOW``: ``jax`` or ``fastinit.jax`` with
``normal(0.02)``; ``keras`` or ``fastinit.keras``, Dense layers with
``HeNormal``), and prints one JSON line: the seconds and the process's
peak RSS.  A fresh process per build, because most of a build is the first
touch of fresh memory, which a second build in the same process would
partly skip (and JAX compiles its initializer once per new shape)."""
from __future__ import annotations

import json
import resource
import sys
import time
from typing import Any, Optional, Sequence

# name -> (vocabulary, context, width, blocks): plain torch.nn modules in
# GPT-2's shapes (Linear d->3d, d->d, d->4d, 4d->d and two LayerNorms per block)
CONFIGS: dict[str, tuple[int, int, int, int]] = {
    "gpt2-124M": (50257, 1024, 768, 12),
    "decoder-1B": (50257, 2048, 2048, 19),
    "tiny": (1000, 64, 64, 2),         # the quick-mode stand-ins
    "tiny-wide": (1000, 64, 128, 2),
}


def weight_shapes(config: str) -> list[tuple[int, int]]:
    """The shapes of every weight matrix of the model ``config``, in the
    ``x @ W`` layout of JAX and Keras: the two embeddings, then per block
    d->3d, d->d, d->4d, 4d->d (LayerNorms and biases left out)."""
    vocab, context, width, blocks = CONFIGS[config]
    per_block = [(width, 3 * width), (width, width), (width, 4 * width), (4 * width, width)]
    return [(vocab, width), (context, width)] + per_block * blocks


def build(torch: Any, config: str) -> Any:
    vocab, context, width, blocks = CONFIGS[config]
    nn = torch.nn
    layers = [nn.Embedding(vocab, width), nn.Embedding(context, width)]
    for _ in range(blocks):
        layers += [nn.LayerNorm(width), nn.Linear(width, 3 * width), nn.Linear(width, width),
                   nn.LayerNorm(width), nn.Linear(width, 4 * width),
                   nn.Linear(4 * width, width)]
    layers.append(nn.LayerNorm(width))
    return nn.ModuleList(layers)


def parameters(config: str) -> int:
    vocab, context, width, blocks = CONFIGS[config]
    return (vocab + context) * width + blocks * (12 * width * width + 13 * width) + 2 * width


def weight_keys(jax: Any, config: str) -> list[Any]:
    """One JAX key per weight of ``config``, as a list: iterating a key
    array runs a JAX op, which is the harness's cost, not an initializer's."""
    return list(jax.random.split(jax.random.key(0), len(weight_shapes(config))))


def jax_weights(jax: Any, init: Any, keys: Sequence[Any], config: str,
                dtype: Any) -> list[Any]:
    """Every weight of ``config`` as ``init(key, shape, dtype)``, computed
    and kept together, as a model's weights are."""
    params = [init(k, shape, dtype) for k, shape in zip(keys, weight_shapes(config))]
    jax.block_until_ready(params)
    return params


def dense_stack(keras: Any, initializer: Any, config: str, dtype: str) -> list[Any]:
    """Keras Dense layers of every weight shape of ``config``, built with
    ``initializer``."""
    layers = []
    for n_in, n_out in weight_shapes(config):
        layer = keras.layers.Dense(n_out, kernel_initializer=initializer, dtype=dtype)
        layer.build((None, n_in))
        layers.append(layer)
    return layers


def init_weights(config: str, dtype: str, how: str) -> float:
    """Seconds to initialize every weight of ``config`` as ``jax.Array``s
    (``how``: ``jax`` or ``fastinit.jax``, ``normal(0.02)``) or as the
    kernels of Keras Dense layers (``keras`` or ``fastinit.keras``,
    ``HeNormal(seed=0)``), after one small warm-up call (imports, thread
    start, JAX's first compilation)."""
    if how.endswith("keras"):
        import os
        os.environ.setdefault("KERAS_BACKEND", "jax")
        import keras
        kinit: Any
        if how == "keras":
            kinit = keras.initializers.HeNormal(seed=0)
        else:
            import fastinit.keras as fk
            kinit = fk.HeNormal(seed=0)
        kinit((8, 8), dtype)
        start = time.perf_counter()
        dense_stack(keras, kinit, config, dtype)
        return time.perf_counter() - start
    import jax
    import jax.numpy as jnp
    if how == "jax":
        jinit = jax.nn.initializers.normal(0.02)
    else:
        import fastinit.jax as fj
        jinit = fj.normal(0.02)
    keys = weight_keys(jax, config)
    dt = getattr(jnp, dtype)
    jax.block_until_ready(jinit(keys[0], (8, 8), dt))
    start = time.perf_counter()
    jax_weights(jax, jinit, keys, config, dt)
    return time.perf_counter() - start


def main(argv: Optional[Sequence[str]] = None) -> None:
    config, dtype, how = (argv or sys.argv[1:])[:3]
    threads = int((argv or sys.argv[1:])[3]) if len(argv or sys.argv[1:]) > 3 else 0
    if how in ("jax", "fastinit.jax", "keras", "fastinit.keras"):
        import fastinit
        if threads:
            fastinit.set_num_threads(threads)
        seconds = init_weights(config, dtype, how)
        print(json.dumps({"seconds": seconds, "peak_rss": _peak_rss(),
                          "parameters": parameters(config)}))
        return
    import torch
    import fastinit
    import fastinit.torch as ft
    if threads:
        torch.set_num_threads(threads)
        fastinit.set_num_threads(threads)
    # bfloat16 models are built as torch users build them directly in it:
    # with the default dtype set, so no float32 copy ever exists
    torch.set_default_dtype(getattr(torch, dtype))
    start = time.perf_counter()
    if how == "fastinit":
        with ft.fast_init(seed=0):
            model = build(torch, config)
    else:
        model = build(torch, config)
    seconds = time.perf_counter() - start
    count = sum(p.numel() for p in model.parameters())
    print(json.dumps({"seconds": seconds, "peak_rss": _peak_rss(), "parameters": count}))


def _peak_rss() -> int:
    """This process's peak resident set size in bytes.  On Linux VmHWM,
    the peak of this program's own memory: ru_maxrss keeps, across exec,
    the size of the parent that forked it (a benchmark run that already
    holds gigabytes would be every child's peak)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin"
                                                                 else 1024)


if __name__ == "__main__":
    main()
