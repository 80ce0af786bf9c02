"""The logged step on the device: the layers' sums packed into one vector (reduced across ranks by one
all_reduce), then turned into the step's figures by a fixed number of batched operations, however many
layers the model has, and copied to the host once.

Packed vector: [loss, alive counts per unit, saturated counts per unit, check sums, histograms (layers × BINS),
parameter squares (FSDP only: local shards add up), host tail]. The host tail holds what the host knows from
shapes, [budget vote, f'(z) counts per layer, samples per layer]; it travels with the sums so that ranks add them.

Result vector: [loss, dead units, saturated units, alive totals, check sums, percentiles (layers × 5), parameter
squares (layers × 4), host tail], each block per layer in model order.
"""
from typing import List, Optional

import torch

from .stats import BIN_VALUES, BINS, PERCENTILES, SATURATION_SAMPLES
from .update import PARAM_FIGURES


class StepLayout:
    """Offsets of each block in the packed and result vectors, and the index tensors of the batched summary
    (built once per shape and device)."""

    def __init__(self, stats, sharded: bool, device):
        n = self.layers = len(stats)
        self.alive_units = [s.units if s.tracks_alive else 0 for s in stats]
        self.saturated_units = [s.units if s.tracks_saturation else 0 for s in stats]
        alive, saturated = sum(self.alive_units), sum(self.saturated_units)
        self.alive = slice(1, 1 + alive)
        self.saturated = slice(self.alive.stop, self.alive.stop + saturated)
        self.checks = slice(self.saturated.stop, self.saturated.stop + n)
        self.hist = slice(self.checks.stop, self.checks.stop + n * BINS)
        params = PARAM_FIGURES * n if sharded else 0
        self.params = slice(self.hist.stop, self.hist.stop + params)
        self.tail = slice(self.params.stop, self.params.stop + 1 + 2 * n)
        self.samples = slice(self.tail.start + 1 + n, self.tail.stop)
        alive_layer = [k for k, u in enumerate(self.alive_units) for _ in range(u)]
        saturated_layer = [k for k, u in enumerate(self.saturated_units) for _ in range(u)]
        long = dict(dtype=torch.long, device=device)
        self.saturated_layer = torch.tensor(saturated_layer, **long)
        # segments of [dead flags, saturated flags, alive counts] in the 3·layers counts
        segments = alive_layer + [n + k for k in saturated_layer] + [2 * n + k for k in alive_layer]
        self.segments = torch.tensor(segments, **long)
        self.fractions = torch.tensor([p / 100 for p in PERCENTILES], dtype=torch.float64, device=device)
        self.bin_values = torch.tensor(BIN_VALUES, dtype=torch.float64, device=device)
        self.device = device

    def fits(self, stats, device) -> bool:
        """Whether this layout still describes `stats` (unit counts are read from the first forward pass)."""
        return (
            device == self.device
            and self.alive_units == [s.units if s.tracks_alive else 0 for s in stats]
            and self.saturated_units == [s.units if s.tracks_saturation else 0 for s in stats]
        )

    def result_blocks(self):
        """Offsets in the result vector: (counts, checks, percentiles, params, tail) as slices."""
        n = self.layers
        counts = slice(1, 1 + 3 * n)
        checks = slice(counts.stop, counts.stop + n)
        percentiles = slice(checks.stop, checks.stop + len(PERCENTILES) * n)
        params = slice(percentiles.stop, percentiles.stop + PARAM_FIGURES * n)
        return counts, checks, percentiles, params, slice(params.stop, params.stop + 1 + 2 * n)


def _or_zeros(t: Optional[torch.Tensor], size: int, device) -> torch.Tensor:
    return t.reshape(-1) if t is not None else torch.zeros(size, dtype=torch.float64, device=device)


def pack(layout: StepLayout, loss, stats, hist, params, tail: List[float], device) -> torch.Tensor:
    """The packed vector of one logged step (one cat; the host tail is the one host-to-device copy)."""
    parts = [loss.to(device).reshape(1)]
    parts += [_or_zeros(s.alive, s.units, device) for s in stats if s.tracks_alive]
    parts += [_or_zeros(s.saturated, s.units, device) for s in stats if s.tracks_saturation]
    parts += [_or_zeros(s.check, 1, device) for s in stats]
    parts.append(_or_zeros(hist, layout.layers * BINS, device))
    if params is not None:
        parts.append(params)
    parts.append(torch.tensor(tail, dtype=torch.float64).to(device, non_blocking=True))
    return torch.cat(parts)


def summarize(layout: StepLayout, packed: torch.Tensor, params: torch.Tensor) -> torch.Tensor:
    """The result vector from the (reduced) packed vector and the parameter squares: dead and saturated units
    and alive totals per layer by one index_add, percentiles of every layer by one searchsorted."""
    n = layout.layers
    alive, saturated = packed[layout.alive], packed[layout.saturated]
    samples = packed[layout.samples]
    threshold = samples.index_select(0, layout.saturated_layer) * SATURATION_SAMPLES
    flags = torch.cat([(alive == 0).to(torch.float64), (saturated >= threshold).to(torch.float64), alive])
    counts = torch.zeros(3 * n, dtype=torch.float64, device=packed.device).index_add_(0, layout.segments, flags)
    cumulative = packed[layout.hist].reshape(n, BINS).cumsum(1)
    targets = ((cumulative[:, -1:] - 1) * layout.fractions).round_()  # the core's index round(p/100·(n−1))
    bins = torch.searchsorted(cumulative, targets, right=True).clamp_(max=BINS - 1)
    percentiles = layout.bin_values[bins]
    return torch.cat([packed[:1], counts, packed[layout.checks], percentiles.reshape(-1), params, packed[layout.tail]])
