"""Worker of the FSDP test (torch >= 2.1): the same model and batches as test_distributed, sharded over 2 CPU ranks
with gloo, either as FullyShardedDataParallel(use_orig_params=True) or with fully_shard."""
import os

import torch
import torch.distributed as dist
from torch import nn

import gdprobe
from conftest import exit_without_finalizing

WORLD = 2


def _shard(model, flavour):
    if flavour == "fsdp1":
        from torch.distributed.fsdp import FullyShardedDataParallel

        return FullyShardedDataParallel(model, use_orig_params=True, device_id=torch.device("cpu"))
    try:
        from torch.distributed.fsdp import fully_shard
    except ImportError:  # torch < 2.6
        from torch.distributed._composable.fsdp import fully_shard
    from torch.distributed.device_mesh import init_device_mesh

    mesh = init_device_mesh("cpu", (WORLD,))
    for layer in model:
        if isinstance(layer, nn.Linear):
            fully_shard(layer, mesh=mesh)
    fully_shard(model, mesh=mesh)
    return model


def run_fsdp(rank, store, path, flavour, make_model, global_batches):
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    torch.set_default_dtype(torch.float64)
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=rank, world_size=WORLD)
    try:
        model = _shard(make_model(), flavour)
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        probe = gdprobe.attach(model, opt, path=path, every=1, budget=None, loss="CrossEntropyLoss")
        for x, y in global_batches():
            share = x.shape[0] // WORLD
            xs, ys = x[rank * share : (rank + 1) * share], y[rank * share : (rank + 1) * share]
            loss = nn.functional.cross_entropy(model(xs), ys)
            loss.backward()
            probe.observe(loss)
            opt.step()
            opt.zero_grad()
        probe.close()
    finally:
        dist.destroy_process_group()
    exit_without_finalizing()
