"""The GPT-2-shaped decoders of the model cases: their weight shapes (the
JAX and Keras cases), and torch models built and timed in a fresh process
(the ``torch_build`` cases).

``python -m fastinit.bench.models CONFIG DTYPE HOW`` builds the torch model
(``HOW``: ``torch``, torch's default init, or ``fastinit``, under
``fastinit.torch.fast_init``) and prints one JSON line: the build's seconds
and the process's peak RSS.  A fresh process per build, because most of a
build is the first touch of fresh memory, which a second build in the same
process would partly skip."""
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


def main(argv: Optional[Sequence[str]] = None) -> None:
    config, dtype, how = (argv or sys.argv[1:])[:3]
    threads = int((argv or sys.argv[1:])[3]) if len(argv or sys.argv[1:]) > 3 else 0
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
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin"
                                                                 else 1024)
    count = sum(p.numel() for p in model.parameters())
    print(json.dumps({"seconds": seconds, "peak_rss": peak, "parameters": count}))


if __name__ == "__main__":
    main()
