#!/usr/bin/env python3
"""Overhead of the probe: interleaved A/B blocks of training steps, without (A) and with (B) the probe, on
CPU and, when one is available, on CUDA. Prints one JSON object: per configuration the median step time
without the probe, and the median relative overhead tB/tA − 1 over the repetitions with its 95% interval
(distribution-free, from order statistics); and the device operations the probe adds to one logged step,
counted at the dispatcher on CPU (views left out): the proxy for its kernel launches on a GPU, where a
foreach op is one multi-tensor launch.

    PYTHONPATH=probe python3 probe/bench.py [--reps 30] [--device cpu|cuda|all] [--threads N] [--ops-only]
"""
import argparse
import copy
import json
import math
import os
import statistics
import tempfile
import time

import torch
from torch import nn

import gdprobe


def mlp(width: int, depth: int, inputs: int, activations=(nn.ReLU,)) -> nn.Module:
    layers, n = [], inputs
    for k in range(depth):
        layers += [nn.Linear(n, width), activations[k % len(activations)]()]
        n = width
    return nn.Sequential(*layers, nn.Linear(n, 10))


#: Operations that launch no kernel (views, allocations, metadata), left out of the counts.
NO_KERNEL = {
    "view", "reshape", "_reshape_alias", "slice", "select", "as_strided", "detach", "expand", "unsqueeze", "squeeze",
    "t", "transpose", "alias", "movedim", "permute", "empty", "empty_strided", "resize_", "narrow", "unbind", "split",
    "chunk", "lift_fresh", "empty_like", "result_type", "_unsafe_view", "split_with_sizes", "item",
    "_local_scalar_dense", "unsqueeze_", "squeeze_", "set_", "is_same_size", "new_empty", "new_empty_strided",
}


def _operations(model, opt, x, y, probe) -> int:
    """Operations of one training step that launch a kernel, as the dispatcher sees them (a foreach op is one)."""
    from torch.utils._python_dispatch import TorchDispatchMode

    class Count(TorchDispatchMode):
        def __init__(self):
            super().__init__()
            self.count = 0

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            self.count += str(func.overloadpacket).split(".")[-1] not in NO_KERNEL
            return func(*args, **(kwargs or {}))

    for _ in range(3):
        block(model, opt, x, y, 1, probe, x.device)
    with Count() as counter:
        block(model, opt, x, y, 1, probe, x.device)
    return counter.count


def count_operations(name, model, batch, tmp):
    """Operations the probe adds to one logged step (every=1) of `model` with Adam, on CPU."""
    torch.manual_seed(0)
    x = torch.randn(batch, model[0].in_features)
    y = torch.randint(0, 10, (batch,))
    plain, probed = model, copy.deepcopy(model)
    opt_a = torch.optim.Adam(plain.parameters(), lr=1e-4)
    opt_b = torch.optim.Adam(probed.parameters(), lr=1e-4)
    probe = gdprobe.attach(probed, opt_b, path=os.path.join(tmp, "ops.gd.jsonl"), every=1, budget=None)
    plain_ops = _operations(plain, opt_a, x, y, None)
    probed_ops = _operations(probed, opt_b, x, y, probe)
    probe.close()
    layers = sum(1 for m in model.modules() if isinstance(m, nn.Linear))
    return {"model": name, "layers": layers, "stepWithoutProbe": plain_ops, "addedByProbe": probed_ops - plain_ops}


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def block(model, opt, x, y, steps, probe, device) -> float:
    """Seconds per step over `steps` steps."""
    sync(device)
    t0 = time.perf_counter()
    for _ in range(steps):
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        if probe is not None:
            probe.observe(loss)
        opt.step()
        opt.zero_grad(set_to_none=True)
    sync(device)
    return (time.perf_counter() - t0) / steps


def median_interval(values, z=1.96):
    """Median and its distribution-free 95% interval (order statistics of the binomial(n, ½))."""
    s = sorted(values)
    n = len(s)
    k = max(0, int(math.floor((n - z * math.sqrt(n)) / 2)) - 1)
    return statistics.median(s), [s[k], s[n - 1 - k]]


def measure(device, every, reps, width, depth, batch, tmp):
    torch.manual_seed(0)
    base = mlp(width, depth, width).to(device)
    a, b = base, copy.deepcopy(base)
    opt_a = torch.optim.Adam(a.parameters(), lr=1e-4)
    opt_b = torch.optim.Adam(b.parameters(), lr=1e-4)
    path = os.path.join(tmp, f"bench-{device.type}-{every}.gd.jsonl")
    probe = gdprobe.attach(b, opt_b, path=path, every=every, budget=None)
    x = torch.randn(batch, width, device=device)
    y = torch.randint(0, 10, (batch,), device=device)
    steps = max(10, 2 * every)  # each B block holds at least two logged steps
    for _ in range(2):  # warm-up, both arms
        block(a, opt_a, x, y, steps, None, device)
        block(b, opt_b, x, y, steps, probe, device)
    ta, ratios = [], []
    for r in range(reps):  # alternate the order, so drift and caches favour neither arm
        if r % 2 == 0:
            t_a = block(a, opt_a, x, y, steps, None, device)
            t_b = block(b, opt_b, x, y, steps, probe, device)
        else:
            t_b = block(b, opt_b, x, y, steps, probe, device)
            t_a = block(a, opt_a, x, y, steps, None, device)
        ta.append(t_a)
        ratios.append(t_b / t_a - 1)
    probe.close()
    overhead, interval = median_interval(ratios)
    return {
        "device": str(device),
        "model": f"MLP {depth}×{width} ReLU, batch {batch}, Adam",
        "every": every,
        "reps": reps,
        "stepsPerBlock": steps,
        "stepMsWithoutProbe": round(statistics.median(ta) * 1e3, 3),
        "overheadMedian": round(overhead, 4),
        "overhead95": [round(v, 4) for v in interval],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--device", default="all", choices=["cpu", "cuda", "all"])
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    parser.add_argument("--ops-only", action="store_true", help="only count the operations of a logged step")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    devices = []
    if args.device in ("cpu", "all"):
        devices.append((torch.device("cpu"), 256, 4, 256))
    if args.device in ("cuda", "all") and torch.cuda.is_available():
        devices.append((torch.device("cuda"), 4096, 4, 4096))
    results, operations = [], []
    with tempfile.TemporaryDirectory() as tmp:
        operations.append(count_operations("MLP 4×256 ReLU, batch 256", mlp(256, 4, 256), 256, tmp))
        mixed = (nn.Tanh, nn.Sigmoid, nn.GELU, nn.ReLU)
        deep = mlp(64, 16, 64, mixed)
        operations.append(count_operations("MLP 16×64 Tanh/Sigmoid/GELU/ReLU, batch 64", deep, 64, tmp))
        for device, width, depth, batch in [] if args.ops_only else devices:
            for every in (10, 1):
                results.append(measure(device, every, args.reps, width, depth, batch, tmp))
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    summary = {"torch": torch.__version__, "threads": torch.get_num_threads(), "gpu": gpu}
    print(json.dumps({**summary, "operationsPerLoggedStep": operations, "results": results}, indent=1))


if __name__ == "__main__":
    main()
