"""The probe: hooks that accumulate activation statistics on the device, and `observe(loss)` that, on
logged steps, reduces them across ranks with one packed all_reduce, adds the gradient and update
figures, copies the result to the host once, and writes one line.
"""
import math
import time
from typing import Optional

import torch
import torch.distributed as dist

from .layers import discover, parameter_count, unwrap
from .stats import BINS, PERCENTILES, ActivationStats, percentiles_from_histogram
from .update import PARAM_FIGURES, groups_by_parameter, local, optimizer_kind, param_squares
from .writer import FORMAT, FORMAT_VERSION, RunWriter
from . import header as header_parts

def _compiling() -> bool:
    compiler = getattr(torch, "compiler", None)
    return bool(compiler is not None and hasattr(compiler, "is_compiling") and compiler.is_compiling())


def _dist_info():
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def _rank_path(path: str, rank: int) -> str:
    stem = path[: -len(".gd.jsonl")] if path.endswith(".gd.jsonl") else path
    return f"{stem}.rank{rank}.gd.jsonl"


class Probe:
    """Per-layer gradient and activation health of a training run, written to a `*.gd.jsonl` log."""

    def __init__(
        self,
        model,
        optimizer=None,
        path: str = "run.gd.jsonl",
        every: int = 10,
        loss=None,
        batch_size: Optional[int] = None,
        per_rank: bool = False,
        exact_update: bool = False,
        budget="auto",
        activations: bool = True,
    ):
        if int(every) < 1:
            raise ValueError(f"every must be a whole number >= 1, got {every!r}")
        self.model, self.optimizer = model, optimizer
        self.layers, self.modules, self.unobserved = discover(model)
        if not self.layers:
            raise ValueError("gdprobe: the model has no parameterised module (Linear, Conv...) to observe")
        self.rank, self.world = _dist_info()
        self.strategy = header_parts.strategy_of(model, self.world)
        self.sharded = self.strategy == "fsdp"
        self.reduce = self.world > 1 and not per_rank
        self.writes = per_rank or self.rank == 0
        self.path = _rank_path(path, self.rank) if per_rank and self.world > 1 else path
        self.per_rank = per_rank
        self.exact_update = exact_update and not self.sharded
        self.every = self.initial_every = int(every)
        self.every_changes = []
        self.budget = header_parts.default_budget(every, model) if budget == "auto" else budget
        self.kind = optimizer_kind(optimizer)
        self.groups = groups_by_parameter(optimizer)
        self.stats = [ActivationStats(l.activation, l.units, l.unit_dim) for l in self.layers]
        self.loss_name = loss if isinstance(loss, str) or loss is None else type(loss).__name__
        self.batch_size = batch_size
        self.step = 0
        self.armed = True
        self.writer = None
        self._header = None
        self._pending = None
        self._loss_sum, self._loss_count = None, 0
        self._probe_time, self._window_start, self._window_logged, self._windows = 0.0, time.perf_counter(), 0, 0
        self._handles = self._register(activations)

    # ---- hooks (device operations only: never .item(), never a host copy) ----

    def _register(self, activations: bool):
        handles = [unwrap(self.model).register_forward_pre_hook(self._batch_hook)]
        if not activations:
            return handles
        for layer, stats in zip(self.layers, self.stats):
            if layer.activation_module is not None:
                handles.append(layer.activation_module.register_forward_hook(self._output_hook(stats, True)))
            elif layer.next_module is not None:
                handles.append(layer.next_module.register_forward_pre_hook(self._input_hook(stats)))
            else:
                handles.append(layer.module.register_forward_hook(self._output_hook(stats, False)))
        return handles

    def _recording(self) -> bool:
        return self.armed and torch.is_grad_enabled()

    def _batch_hook(self, _module, inputs):
        if self.batch_size is None and inputs and torch.is_tensor(inputs[0]) and inputs[0].dim() > 0:
            self.batch_size = int(inputs[0].shape[0])

    def _timed_add(self, stats: ActivationStats, a, z, module):
        if _compiling():  # a host clock inside a compiled graph would break it: not timed there
            stats.add(a, z, module)
            return
        t0 = time.perf_counter()
        stats.add(a, z, module)
        self._probe_time += time.perf_counter() - t0

    def _output_hook(self, stats: ActivationStats, has_input: bool):
        def hook(module, inputs, output):
            if self._recording() and torch.is_tensor(output):
                z = inputs[0] if has_input and inputs and torch.is_tensor(inputs[0]) else None
                self._timed_add(stats, output, z, module)

        return hook

    def _input_hook(self, stats: ActivationStats):
        def hook(_module, inputs):
            if self._recording() and inputs and torch.is_tensor(inputs[0]):
                self._timed_add(stats, inputs[0], None, None)

        return hook

    # ---- the step ----

    def observe(self, loss=None, sync: bool = True) -> None:
        """Call after backward() and before optimizer.step(), on every rank. With gradient accumulation,
        pass sync=False for the micro-batches that do not synchronise: only the syncing step is logged,
        with the mean of the losses passed since the last one."""
        t0 = time.perf_counter()
        if loss is not None:
            value = loss.detach().to(torch.float64).reshape(())
            self._loss_sum = value if self._loss_sum is None else self._loss_sum + value
            self._loss_count += 1
        if sync:
            if self._pending is not None:
                self._finish_exact()
            step, self.step = self.step, self.step + 1
            if step % self.every == 0:
                self._log(step)
            for s in self.stats:
                s.reset()
            self._loss_sum, self._loss_count = None, 0
            self.armed = self.step % self.every == 0
        self._probe_time += time.perf_counter() - t0

    def _device(self):
        for p in unwrap(self.model).parameters():
            return p.device
        return torch.device("cpu")

    def _local_params(self, device):
        figures = [param_squares(l.module, self.optimizer, self.kind, self.groups, device) for l in self.layers]
        return torch.cat(figures) if figures else torch.zeros(0, dtype=torch.float64, device=device)

    def _log(self, step: int) -> None:
        device = self._device()
        loss = self._loss_sum / self._loss_count if self._loss_count else torch.tensor(math.nan, dtype=torch.float64)
        # numbers the host knows already (the budget vote, counts from shapes): sent only when they must be summed
        host = [1.0 if self._over_budget() else 0.0] + [c for s in self.stats for c in s.host_counts()]
        parts = [loss.to(device).reshape(1)] + [s.packed(device) for s in self.stats]
        if self.sharded:  # local shards: their squares add up across ranks
            parts.append(self._local_params(device))
        if self.reduce:
            parts.append(torch.tensor(host, dtype=torch.float64).to(device))  # the one host-to-device copy
        pack = torch.cat(parts)
        if self.reduce:
            dist.all_reduce(pack)  # the one collective of a logged step
        if not self.writes:
            if self.budget is not None and pack[-len(host)].item() > 0:  # this rank's one host copy
                self._double_every(step)
            return
        self._write(step, pack, host, device)

    def _write(self, step: int, pack: torch.Tensor, host: list, device) -> None:
        tail = pack[-len(host) :] if self.reduce else None
        offset, summaries, hists = 1, [], []
        for k, s in enumerate(self.stats):
            n = s.packed_size()
            segment = pack[offset : offset + n]
            samples = tail[2 + 2 * k] if tail is not None else host[2 + 2 * k]
            summaries.append(s.summary(segment, samples))
            hists.append(segment[n - BINS :])
            offset += n
        params = pack[offset : offset + PARAM_FIGURES * len(self.layers)] if self.sharded else self._local_params(device)
        parts = [pack[:1], *summaries, params, *hists] + ([tail] if tail is not None else [])
        values = torch.cat(parts).cpu().tolist()  # the one device-to-host copy
        if tail is not None:
            host = values[-len(host) :]
        if host[0] > 0:
            self._double_every(step)
        record = self._record(step, values, host)
        if self.writer is None:
            self.writer = RunWriter(self.path, self._make_header())
        if self.exact_update:
            self._pending = (record, [local(l.module.weight).detach().clone() for l in self.layers])
        else:
            self.writer.write(record)

    def _record(self, step: int, values, host) -> dict:
        n, size = len(self.layers), ActivationStats.SUMMARY
        loss = values[0] / (self.world if self.reduce else 1)
        summ = [values[1 + size * k : 1 + size * (k + 1)] for k in range(n)]
        base = 1 + size * n
        par = [values[base + PARAM_FIGURES * k : base + PARAM_FIGURES * (k + 1)] for k in range(n)]
        base += PARAM_FIGURES * n
        hist = [values[base + BINS * k : base + BINS * (k + 1)] for k in range(n)]
        der_counts = host[1::2]
        sqrt = math.sqrt
        act_bad = [s[3] > 0 for s in summ]
        percentiles = [
            [math.nan] * len(PERCENTILES) if act_bad[k] else percentiles_from_histogram(hist[k]) for k in range(n)
        ]
        return {
            "step": step,
            "loss": loss,
            "learningRate": header_parts.learning_rate(self.optimizer),
            "gradNorms": [sqrt(p[0]) for p in par],
            "updateRatios": [sqrt(p[3]) / sqrt(p[2]) if p[2] > 0 else math.nan for p in par],
            "deadFractions": [s[0] / st.units for s, st in zip(summ, self.stats)],
            "saturatedFractions": [s[1] / st.units for s, st in zip(summ, self.stats)],
            "activationPercentiles": percentiles,
            "biasGradNorms": [sqrt(p[1]) for p in par],
            "weightNorms": [sqrt(p[2]) for p in par],
            "meanAbsDerivatives": [s[2] / c if c > 0 else math.nan for s, c in zip(summ, der_counts)],
            "nonFinite": {
                "loss": not math.isfinite(loss),
                "activations": act_bad,
                "gradients": [p[4] > 0 or not math.isfinite(p[0]) for p in par],
            },
        }

    # ---- exact update ratio (opt-in): needs the weights after the step ----

    def _finish_exact(self) -> None:
        record, before = self._pending
        self._pending = None
        with torch.no_grad():
            ratios = torch.stack(
                [
                    torch.linalg.vector_norm((local(l.module.weight) - w).to(torch.float64))
                    / torch.linalg.vector_norm(w.to(torch.float64))
                    for l, w in zip(self.layers, before)
                ]
            )
        record["exactUpdateRatios"] = ratios.cpu().tolist()
        self.writer.write(record)

    # ---- overhead self-regulation ----

    def _over_budget(self) -> bool:
        """Whether the probe's share of wall time over the last window of ≥ 3 logged steps exceeds the budget."""
        if self.budget is None:
            return False
        self._window_logged += 1
        if self._window_logged < 3:
            return False
        now = time.perf_counter()
        share = self._probe_time / max(now - self._window_start, 1e-9)
        self._windows += 1
        self._probe_time, self._window_start, self._window_logged = 0.0, now, 0
        return self._windows > 1 and share > self.budget  # the first window holds the warm-up

    def _double_every(self, step: int) -> None:
        self.every *= 2
        self.every_changes.append({"step": step, "every": self.every})
        if self.writer is not None and self._header is not None:
            self._header["everyChanges"] = self.every_changes
            self.writer.rewrite_header(self._header)

    def _make_header(self) -> dict:
        self._header = header_parts.build(self)
        return self._header

    def close(self) -> None:
        """Writes what is pending, closes the log and removes every hook."""
        if self._pending is not None:
            self._finish_exact()
        if self.writer is not None:
            self.writer.close()
        for h in self._handles:
            h.remove()
        self._handles = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


__all__ = ["Probe", "FORMAT", "FORMAT_VERSION", "parameter_count"]
