"""torch.distributed: a 2-process DDP run (gloo, CPU, float64) writes one file equal to a single process on the
same global batch; per-rank files; gradient accumulation under no_sync. FSDP and torch.compile need torch ≥ 2.1
and are skipped, visibly, on older torch."""
import contextlib
import datetime
import os
import socket
import time

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn

import gdprobe
from gdprobe.stats import bucket_of
from conftest import close, exit_without_finalizing, read_log

# a collective that waits longer than this fails instead of hanging the test run
COLLECTIVE_TIMEOUT = datetime.timedelta(seconds=60)

WORLD = 2
STEPS = 5
GLOBAL_BATCH = 16
EXACT = ("loss", "gradNorms", "updateRatios", "deadFractions", "saturatedFractions", "biasGradNorms",
         "weightNorms", "meanAbsDerivatives")


def make_model():
    torch.manual_seed(11)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 3))
    with torch.no_grad():
        model[0].bias[:3] = -20.0  # three dead units
        model[2].bias[:2] = 30.0  # two saturated tanh units
    return model.double()


def global_batches():
    g = torch.Generator().manual_seed(4)
    return [(torch.randn(GLOBAL_BATCH, 4, generator=g, dtype=torch.float64),
             torch.randint(0, 3, (GLOBAL_BATCH,), generator=g)) for _ in range(STEPS)]


def single_process(path, micro=1):
    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    probe = gdprobe.attach(model, opt, path=path, every=1, budget=None, loss="CrossEntropyLoss")
    for x, y in global_batches():
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        probe.observe(loss)
        opt.step()
        opt.zero_grad()
    probe.close()


def _worker(rank, store, path, per_rank, micro):
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)  # two ranks on a small machine: intra-op threads only oversubscribe the cores
    dist.init_process_group("gloo", init_method=store, rank=rank, world_size=WORLD, timeout=COLLECTIVE_TIMEOUT)
    try:
        model = nn.parallel.DistributedDataParallel(make_model())
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        probe = gdprobe.attach(model, opt, path=path, every=1, budget=None, per_rank=per_rank, loss="CrossEntropyLoss")
        share = GLOBAL_BATCH // WORLD
        for x, y in global_batches():
            xs, ys = x[rank * share : (rank + 1) * share], y[rank * share : (rank + 1) * share]
            parts = list(zip(xs.chunk(micro), ys.chunk(micro)))
            for k, (xm, ym) in enumerate(parts):
                last = k == len(parts) - 1
                # no_sync must hold the forward as well as the backward (DDP prepares its reduction in forward);
                # a forward outside it left one rank waiting in a gradient all_reduce about 1 run in 5
                with contextlib.nullcontext() if last else model.no_sync():
                    loss = nn.functional.cross_entropy(model(xm), ym) / micro
                    loss.backward()
                probe.observe(loss * micro, sync=last)
            opt.step()
            opt.zero_grad()
        probe.close()
    finally:
        dist.destroy_process_group()
    exit_without_finalizing()


def free_port():
    """A TCP port nobody listens on now, for the workers' rendezvous."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn_and_wait(fn, make_args, seconds=120, attempts=2):
    """Runs fn(rank, *make_args()) on WORLD processes and waits; a run still going after `seconds` is killed and run
    again (at most `attempts` times in all), so the test fails instead of hanging; each retry is printed. A run takes
    2-10 s on a busy 2-core machine; the ranks end with exit_without_finalizing (see there for the hang it avoids)."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # inherited by the ranks: no thread pools fighting over 2 cores
    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")
    for attempt in range(1, attempts + 1):
        context = mp.spawn(fn, args=make_args(), nprocs=WORLD, join=False)
        deadline = time.monotonic() + seconds
        while not context.join(timeout=1):
            if time.monotonic() > deadline:
                for process in context.processes:
                    process.kill()
                print(f"DDP run {attempt} of {attempts} did not finish within {seconds} s: killed", flush=True)
                break
        else:
            return
    raise AssertionError(f"the {WORLD} workers did not finish within {seconds} s, {attempts} times")


def spawn(tmp_path, name, per_rank=False, micro=1):
    path = str(tmp_path / f"{name}.gd.jsonl")
    # a fresh TCP rendezvous each run (a killed run's store is not reused)
    spawn_and_wait(_worker, lambda: (f"tcp://127.0.0.1:{free_port()}", path, per_rank, micro))
    return path


def assert_equal_runs(ddp_records, single_records):
    assert [r["step"] for r in ddp_records] == [r["step"] for r in single_records] == list(range(STEPS))
    for d, s in zip(ddp_records, single_records):
        for key in EXACT:
            assert close(d[key], s[key], rel=1e-10), (d["step"], key, d[key], s[key])
        for dp, sp in zip(d["activationPercentiles"], s["activationPercentiles"]):
            assert all(abs(bucket_of(a) - bucket_of(b)) <= 1 for a, b in zip(dp, sp)), (dp, sp)


NEW_TORCH = tuple(int(p) for p in torch.__version__.split(".")[:2]) >= (2, 1)


def test_ddp_two_processes_equal_one_process_on_the_global_batch(tmp_path):
    single_process(str(tmp_path / "single.gd.jsonl"))
    _, single = read_log(tmp_path / "single.gd.jsonl")
    path = spawn(tmp_path, "ddp")
    header, ddp = read_log(path)
    assert header["strategy"] == "ddp" and header["worldSize"] == 2 and header["batchSizePerRank"] == 8
    assert not os.path.exists(str(tmp_path / "ddp.rank1.gd.jsonl"))  # rank 0 alone writes
    assert single[0]["deadFractions"][0] == 3 / 8 and single[0]["saturatedFractions"][1] > 0
    assert_equal_runs(ddp, single)


def test_ddp_gradient_accumulation_logs_the_syncing_step_only(tmp_path):
    single_process(str(tmp_path / "single.gd.jsonl"))
    _, single = read_log(tmp_path / "single.gd.jsonl")
    _, ddp = read_log(spawn(tmp_path, "accum", micro=2))
    assert_equal_runs(ddp, single)


def test_per_rank_files_hold_each_ranks_own_activations(tmp_path):
    spawn(tmp_path, "each", per_rank=True)
    h0, r0 = read_log(tmp_path / "each.rank0.gd.jsonl")
    h1, r1 = read_log(tmp_path / "each.rank1.gd.jsonl")
    assert (h0["rank"], h1["rank"], h0["perRank"]) == (0, 1, True)
    assert [r["gradNorms"] for r in r0] == [r["gradNorms"] for r in r1]  # gradients are averaged by DDP
    assert any(a["meanAbsDerivatives"] != b["meanAbsDerivatives"] for a, b in zip(r0, r1))  # activations are not


@pytest.mark.skipif(not NEW_TORCH, reason=f"FSDP needs torch >= 2.1; this is torch {torch.__version__}")
def test_fsdp_two_processes_equal_one_process(tmp_path):
    from fsdp_worker import run_fsdp

    single_process(str(tmp_path / "single.gd.jsonl"))
    _, single = read_log(tmp_path / "single.gd.jsonl")
    for flavour in ("fsdp1", "fully_shard"):
        path = str(tmp_path / f"{flavour}.gd.jsonl")
        store = lambda: str(tmp_path / f"{flavour}.{time.monotonic_ns()}.store")  # noqa: E731
        spawn_and_wait(run_fsdp, lambda: (store(), path, flavour, make_model, global_batches))
        header, records = read_log(path)
        assert header["strategy"] == "fsdp", flavour
        assert_equal_runs(records, single)


@pytest.mark.skipif(not NEW_TORCH, reason=f"torch.compile needs torch >= 2.1; this is torch {torch.__version__}")
def test_hooks_registered_before_compile_still_log(tmp_path):
    single_process(str(tmp_path / "single.gd.jsonl"))
    _, single = read_log(tmp_path / "single.gd.jsonl")
    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    probe = gdprobe.attach(model, opt, path=str(tmp_path / "c.gd.jsonl"), every=1, budget=None)
    compiled = torch.compile(model)
    for x, y in global_batches():
        loss = nn.functional.cross_entropy(compiled(x), y)
        loss.backward()
        probe.observe(loss)
        opt.step()
        opt.zero_grad()
    probe.close()
    _, records = read_log(tmp_path / "c.gd.jsonl")
    for d, s in zip(records, single):
        for key in ("loss", "gradNorms", "updateRatios", "deadFractions"):
            assert close(d[key], s[key], rel=1e-8), (key, d[key], s[key])
