"""The probe: hooks that accumulate activation statistics on the device, and `observe(loss)` that, on
logged steps, reduces them across ranks with one packed all_reduce, adds the gradient and update
figures with batched (foreach) operations, and starts the one device-to-host copy of the result; the
probe's next call (the next `observe`, or `close`) reads that copy and writes the step's line, so the
training loop never waits for the device on the probe's account.
"""
import atexit
import math
import time
import weakref
from typing import Optional

import torch
import torch.distributed as dist

from .layers import discover, parameter_count, unwrap
from .stats import BINS, BOUNDARIES, HISTOGRAM_VALUES, PERCENTILES, ActivationStats
from .summary import StepLayout, pack, summarize
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


def _to_host(t: torch.Tensor):
    """(a host copy of t, the CUDA event that marks it done): asynchronous on a GPU, so that the training loop never
    waits for the probe; read after the event, at the next call of the probe."""
    if t.is_cuda:
        copy = t.to("cpu", non_blocking=True)  # into pinned memory
        done = torch.cuda.Event()
        done.record()
        return copy, done
    return t.cpu(), None


def _finish_at_exit(probe_ref) -> None:
    """Writes a probe's last logged step at interpreter exit when close() was never called (e.g. after a crash)."""
    probe = probe_ref()
    if probe is not None and probe._pending is not None and probe._pending[2] is not None:
        try:
            probe._pending = probe._pending[:4] + (None,)  # the weights after the step may never come
            probe._finish()
        except Exception:  # noqa: BLE001 - nothing can be reported at exit
            pass


def _rank_path(path: str, rank: int) -> str:
    stem = path[: -len(".gd.jsonl")] if path.endswith(".gd.jsonl") else path
    return f"{stem}.rank{rank}.gd.jsonl"


class Probe:
    """Per-layer gradient and activation health of a training run, written to a `*.gd.jsonl` log."""

    #: Whether a logged step's line always waits for the probe's next call; by default only an asynchronous
    #: copy (CUDA) or the exact update ratio (which needs the weights after the step) waits.
    defer_writes = False

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
        self.stats = [ActivationStats(l.activation, l.units, l.unit_dim, l.activation_module) for l in self.layers]
        self._hist, self._ones, self._boundaries, self._layout = None, None, {}, None
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
        atexit.register(_finish_at_exit, weakref.ref(self))

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

    def _add(self, stats: ActivationStats, a, z):
        if self._hist is None or self._hist.device != a.device:  # one histogram buffer: one zeroing per step
            self._hist = torch.zeros(len(self.stats), BINS, dtype=torch.float64, device=a.device)
            self._ones = torch.ones(HISTOGRAM_VALUES, dtype=torch.float64, device=a.device)
            for k, s in enumerate(self.stats):
                s.hist = self._hist[k]
        key = (a.device, a.dtype)
        if key not in self._boundaries:
            self._boundaries[key] = torch.tensor(BOUNDARIES, dtype=a.dtype, device=a.device)
        stats.add(a, z, self._boundaries[key], self._ones)

    def _timed_add(self, stats: ActivationStats, a, z):
        if _compiling():  # a host clock inside a compiled graph would break it: not timed there
            self._add(stats, a, z)
            return
        t0 = time.perf_counter()
        self._add(stats, a, z)
        self._probe_time += time.perf_counter() - t0

    def _output_hook(self, stats: ActivationStats, has_input: bool):
        def hook(module, inputs, output):
            if self._recording() and torch.is_tensor(output):
                z = inputs[0] if has_input and inputs and torch.is_tensor(inputs[0]) else None
                self._timed_add(stats, output, z)

        return hook

    def _input_hook(self, stats: ActivationStats):
        def hook(_module, inputs):
            if self._recording() and inputs and torch.is_tensor(inputs[0]):
                self._timed_add(stats, inputs[0], None)

        return hook

    # ---- the step ----

    def observe(self, loss=None, sync: bool = True) -> None:
        """Call after backward() and before optimizer.step(), on every rank. With gradient accumulation,
        pass sync=False for the micro-batches that do not synchronise: only the syncing step is logged,
        with the mean of the losses passed since the last one. A logged step's line is written by the next
        call (or by close())."""
        t0 = time.perf_counter()
        if loss is not None:
            value = loss.detach().to(torch.float64).reshape(())
            self._loss_sum = value if self._loss_sum is None else self._loss_sum + value
            self._loss_count += 1
        if self._pending is not None:  # the last logged step's figures, copied while this step ran
            self._finish()
        if sync:
            step, self.step = self.step, self.step + 1
            if step % self.every == 0:
                self._log(step)
                if self._hist is not None:
                    self._hist.zero_()
            for s in self.stats:
                s.reset()
            self._loss_sum, self._loss_count = None, 0
            self.armed = self.step % self.every == 0
        self._probe_time += time.perf_counter() - t0

    def _device(self):
        for p in unwrap(self.model).parameters():
            return p.device
        return torch.device("cpu")

    def _params(self):
        return param_squares([l.module for l in self.layers], self.optimizer, self.kind, self.groups)

    def _log(self, step: int) -> None:
        device = self._device()
        loss = self._loss_sum / self._loss_count if self._loss_count else torch.tensor(math.nan, dtype=torch.float64)
        # numbers the host knows already (the budget vote, counts from shapes) travel in the pack's tail
        tail = [1.0 if self._over_budget() else 0.0]
        tail += [float(s.der_count) for s in self.stats] + [float(s.samples) for s in self.stats]
        if self._layout is None or not self._layout.fits(self.stats, device):
            self._layout = StepLayout(self.stats, self.sharded, device)
        layout = self._layout
        params = self._params() if self.sharded else None  # local shards: squares add up
        packed = pack(layout, loss, self.stats, self._hist, params, tail, device)
        if self.reduce:
            dist.all_reduce(packed)  # the one collective of a logged step
        if not self.writes:  # only the budget vote matters here
            self._pending = (step, _to_host(packed[layout.tail.start : layout.tail.start + 1]), None, None, None)
        else:
            params = packed[layout.params] if self.sharded else self._params()
            before = [local(l.module.weight).detach().clone() for l in self.layers] if self.exact_update else None
            lr = header_parts.learning_rate(self.optimizer)
            self._pending = (step, _to_host(summarize(layout, packed, params)), layout, lr, before)
        _, (_, done), _, _, before = self._pending
        if done is None and before is None and not self.defer_writes:  # a copy that is done already
            self._finish()

    def _finish(self) -> None:
        """Reads the last logged step's copy (waiting for it only if the device has not finished it), applies the
        budget vote (on every rank at the same call, so `every` stays equal across ranks) and writes the line."""
        step, (host, done), layout, lr, before = self._pending
        self._pending = None
        if done is not None:
            done.synchronize()
        values = host.tolist()
        if layout is None:
            if self.budget is not None and values[0] > 0:
                self._double_every(step)
            return
        record = self._record(step, values, layout, lr)
        if self.writer is None:
            self.writer = RunWriter(self.path, self._make_header())
        if before is not None:
            record["exactUpdateRatios"] = self._exact_ratios(before)
        self.writer.write(record)

    def _record(self, step: int, values, layout: StepLayout, lr: float) -> dict:
        n, sqrt = len(self.layers), math.sqrt
        counts, checks, pcts, params, tail = (values[b] for b in layout.result_blocks())
        if tail[0] > 0:
            self._double_every(step)
        loss = values[0] / (self.world if self.reduce else 1)
        der_counts, samples = tail[1 : 1 + n], tail[1 + n :]
        dead, saturated, alive = counts[:n], counts[n : 2 * n], counts[2 * n :]
        par = [params[PARAM_FIGURES * k : PARAM_FIGURES * (k + 1)] for k in range(n)]
        act_bad = [not math.isfinite(c) for c in checks]
        percentiles = [
            [math.nan] * len(PERCENTILES) if act_bad[k] or samples[k] == 0 else pcts[5 * k : 5 * k + 5]
            for k in range(n)
        ]
        der_sums = [self._der_sum(s, checks[k], alive[k], der_counts[k]) for k, s in enumerate(self.stats)]
        return {
            "step": step,
            "loss": loss,
            "learningRate": lr,
            "gradNorms": [sqrt(p[0]) for p in par],
            "updateRatios": [sqrt(p[3]) / sqrt(p[2]) if p[2] > 0 else math.nan for p in par],
            "deadFractions": [d / s.units if m > 0 else 0.0 for d, s, m in zip(dead, self.stats, samples)],
            "saturatedFractions": [d / s.units if m > 0 else 0.0 for d, s, m in zip(saturated, self.stats, samples)],
            "activationPercentiles": percentiles,
            "biasGradNorms": [sqrt(p[1]) for p in par],
            "weightNorms": [sqrt(p[2]) for p in par],
            "meanAbsDerivatives": [d / c if c > 0 else math.nan for d, c in zip(der_sums, der_counts)],
            "nonFinite": {
                "loss": not math.isfinite(loss),
                "activations": act_bad,
                "gradients": [not (math.isfinite(p[0]) and math.isfinite(p[1])) for p in par],
            },
        }

    @staticmethod
    def _der_sum(stats: ActivationStats, check: float, alive: float, count: float) -> float:
        """Σ|f'(z)| of a layer from its figures (see ActivationStats.der_sum_factor)."""
        source, factor = stats.der_sum_factor()
        if source == "alive":  # ReLU family: f' is 1 where a > 0, |slope| elsewhere
            return alive + factor * (count - alive)
        return count if source == "count" else factor * check

    # ---- exact update ratio (opt-in): needs the weights after the step ----

    def _exact_ratios(self, before):
        """‖ΔW‖/‖W‖ from the weights before the step and now (after it)."""
        with torch.no_grad():
            after = [local(l.module.weight).detach() for l in self.layers]
            ratios = torch.stack(
                [
                    torch.linalg.vector_norm((a - w).to(torch.float64)) / torch.linalg.vector_norm(w.to(torch.float64))
                    for a, w in zip(after, before)
                ]
            )
        return ratios.cpu().tolist()

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
            self._finish()
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
