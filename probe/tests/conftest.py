"""Shared helpers: read a run log back (NaN strings as floats), build tiny float64 models, train with a probe."""
import json
import math
import os
import sys

import pytest
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def _numbers(v):
    if isinstance(v, str) and v in NON_FINITE:
        return NON_FINITE[v]
    if isinstance(v, list):
        return [_numbers(x) for x in v]
    if isinstance(v, dict):
        return {k: _numbers(x) for k, x in v.items()}
    return v


def read_log(path):
    """(header, [step records]) of a run log."""
    with open(path, encoding="ascii") as f:
        lines = [json.loads(l) for l in f if l.strip()]
    return lines[0], [_numbers(r) for r in lines[1:]]


def train(model, optimizer, batches, loss_fn, probe=None):
    """One optimizer step per (x, y) batch; returns the losses."""
    losses = []
    for x, y in batches:
        loss = loss_fn(model(x), y)
        loss.backward()
        if probe is not None:
            probe.observe(loss)
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.item())
    return losses


def close(a, b, rel=1e-10, abs_=1e-300):
    """Whether a and b agree to `rel` relative (NaN equals NaN)."""
    if isinstance(a, list):
        return len(a) == len(b) and all(close(x, y, rel, abs_) for x, y in zip(a, b))
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= rel * max(abs(a), abs(b)) + abs_


def exit_without_finalizing():
    """Ends a spawned rank whose work is done (log closed, process group destroyed) without Python's interpreter
    teardown. With Debian's torch 1.13 on Python 3.11, about 1 rank in 20 hung in Py_FinalizeEx's last garbage
    collection after all of that had completed (faulthandler: "Garbage-collecting"; gdb: Py_FinalizeEx), which made
    the 2-process tests hang ~1 run in 4 (3 spawns per run)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


@pytest.fixture(autouse=True)
def _float64():
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)
