"""Activation statistics accumulated on the device inside forward hooks (never a host copy there).

Every statistic is a sum or a count, so micro-batches and ranks combine by addition: alive counts per
unit (a unit is dead when no sample of any micro-batch on any rank had z > 0), saturated counts per
unit, Σ|f'(z)| and its count, non-finite counts, and a fixed-bin histogram of a = f(z) from which
percentiles are read exactly to one bin.
"""
import bisect
import itertools
import math
from typing import List, Optional, Sequence

import torch

#: Percentiles recorded per layer and step (the core's RECORDED_PERCENTILES).
PERCENTILES = (5, 25, 50, 75, 95)
#: Histogram of activations: magnitudes 1e-6 … 1e6 in BINS_PER_DECADE log-spaced bins per sign, plus
#: one bin for |a| < 1e-6 and one overflow bin per sign.
BINS_PER_DECADE = 32
LOG10_MIN, LOG10_MAX = -6, 6
_MAGNITUDE_EDGES = [10.0 ** (LOG10_MIN + k / BINS_PER_DECADE) for k in range((LOG10_MAX - LOG10_MIN) * BINS_PER_DECADE + 1)]
#: Sorted bin boundaries over the real line: −1e6 … −1e-6, 1e-6 … 1e6.
BOUNDARIES = [-e for e in reversed(_MAGNITUDE_EDGES)] + _MAGNITUDE_EDGES
#: Number of histogram bins (one more than boundaries).
BINS = len(BOUNDARIES) + 1

#: Most activation values one forward pass adds to the histogram (an evenly strided sample beyond it): a
#: scatter of every value of a large layer into a few hundred bins would cost more than the step.
HISTOGRAM_VALUES = 1 << 16

#: f'(z) below this fraction of its peak counts as saturated, for ≥ SATURATION_SAMPLES of the samples.
SATURATION_DERIVATIVE = 0.01
SATURATION_SAMPLES = 0.95
#: Largest f'(z) per saturating activation (σ' peaks at ¼, tanh' at 1).
PEAK_DERIVATIVE = {"sigmoid": 0.25, "tanh": 1.0}
#: Activations whose unit dies when z ≤ 0 for every sample (the core's "relu" family), and those
#: observed only through the next layer's input (dead = a column of zeros).
DYING = ("relu", "leaky_relu")


def bucket_of(value: float) -> int:
    """The histogram bin holding `value` (as torch.bucketize with right=False)."""
    lo, hi = 0, len(BOUNDARIES)
    while lo < hi:
        mid = (lo + hi) // 2
        if BOUNDARIES[mid] < value:
            lo = mid + 1
        else:
            hi = mid
    return lo


def bin_value(b: int) -> float:
    """The value a bin stands for: its geometric midpoint, 0 for the central bin, ±1e6 for overflow."""
    if b == 0:
        return BOUNDARIES[0]
    if b == len(BOUNDARIES):
        return BOUNDARIES[-1]
    lo, hi = BOUNDARIES[b - 1], BOUNDARIES[b]
    if lo < 0 < hi:
        return 0.0
    return math.copysign(math.sqrt(lo * hi), hi)


def percentiles_from_histogram(counts: Sequence[float], ps: Sequence[int] = PERCENTILES) -> List[float]:
    """The values at sorted index round(p/100·(n−1)) (the core's rule), each as its bin's value."""
    cumulative = list(itertools.accumulate(int(round(c)) for c in counts))
    n = cumulative[-1] if cumulative else 0
    if n == 0:
        return [math.nan for _ in ps]
    return [bin_value(bisect.bisect_right(cumulative, int(round(p / 100 * (n - 1))))) for p in ps]


def derivative(activation: str, z: Optional[torch.Tensor], a: torch.Tensor, module) -> Optional[torch.Tensor]:
    """f'(z) of an activation module, from its output a where possible (in-place modules overwrite z)."""
    if activation == "relu":
        return (a > 0).to(a.dtype)
    if activation == "leaky_relu":
        return torch.where(a > 0, torch.ones_like(a), torch.full_like(a, module.negative_slope))
    if activation == "elu":
        return torch.where(a > 0, torch.ones_like(a), a + module.alpha)
    if activation == "sigmoid":
        return a * (1 - a)
    if activation == "tanh":
        return 1 - a * a
    if activation == "softplus":
        return -torch.expm1(-module.beta * a)
    if activation == "linear":
        return torch.ones_like(a)
    if z is None or getattr(module, "inplace", False):
        return None
    if activation == "silu":
        s = torch.sigmoid(z)
        return s * (1 + z * (1 - s))
    if activation == "gelu":
        if getattr(module, "approximate", "none") == "tanh":
            with torch.enable_grad():
                zz = z.detach().requires_grad_(True)
                (g,) = torch.autograd.grad(torch.nn.functional.gelu(zz, approximate="tanh").sum(), zz)
            return g
        cdf = 0.5 * (1 + torch.erf(z / math.sqrt(2)))
        return cdf + z * torch.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    return None


def as_units(t: torch.Tensor, unit_dim: int) -> torch.Tensor:
    """The tensor as samples × units (units along `unit_dim`; every other dimension counts as samples)."""
    t = t.detach()
    if t.dim() == 1:
        return t.reshape(1, -1)
    if unit_dim != -1 and unit_dim != t.dim() - 1:
        t = t.movedim(unit_dim, -1)
    return t.reshape(-1, t.shape[-1])


class ActivationStats:
    """Sums and counts of one layer's activation over the forward passes of one logged step."""

    #: Figures per layer in `summary`: dead units, saturated units, Σ|f'|, non-finite.
    SUMMARY = 4

    def __init__(self, activation: str, units: int, unit_dim: int):
        self.activation = activation
        self.units = units
        self.unit_dim = unit_dim
        self.reset()

    def reset(self):
        """Forgets the current step's values."""
        self.alive = None
        self.saturated = None
        self.der_sum = None
        self.der_count = 0
        self.samples = 0
        self.non_finite = None
        self.hist = None

    def add(self, a: torch.Tensor, z: Optional[torch.Tensor], module) -> None:
        """Adds one forward pass's activations a (and pre-activations z, when known); device ops only."""
        a2 = as_units(a, self.unit_dim)
        zeros = torch.zeros(a2.shape[1], dtype=torch.float64, device=a2.device)
        if self.alive is None:
            self.units = a2.shape[1]
            self.alive, self.saturated = zeros, zeros.clone()
            self.der_sum = torch.zeros((), dtype=torch.float64, device=a2.device)
            self.non_finite = torch.zeros((), dtype=torch.float64, device=a2.device)
            self.hist = torch.zeros(BINS + 1, dtype=torch.float64, device=a2.device)
            self._boundaries = torch.tensor(BOUNDARIES, dtype=a2.dtype, device=a2.device)
        self.samples += a2.shape[0]
        finite = torch.isfinite(a2)
        self.non_finite += (~finite).sum()
        if self.activation in DYING:
            self.alive += (a2 > 0).sum(0)
        elif self.activation == "unknown":
            self.alive += (a2 != 0).sum(0)
        der = derivative(self.activation, z if z is None else as_units(z, self.unit_dim), a2, module)
        if der is not None:
            self.der_sum += der.abs().sum(dtype=torch.float64)
            self.der_count += der.numel()
            if self.activation in PEAK_DERIVATIVE:
                limit = SATURATION_DERIVATIVE * PEAK_DERIVATIVE[self.activation]
                self.saturated += (der.abs() < limit).sum(0)
        sample = a2.reshape(-1)
        if sample.numel() > HISTOGRAM_VALUES:  # evenly strided, as the core samples its percentiles
            sample = sample[:: -(-sample.numel() // HISTOGRAM_VALUES)]
        index = torch.bucketize(sample, self._boundaries)
        index = torch.where(torch.isfinite(sample), index, torch.full_like(index, BINS))
        self.hist.index_add_(0, index, torch.ones(index.numel(), dtype=torch.float64, device=a2.device))

    def packed(self, device) -> torch.Tensor:
        """[alive per unit, saturated per unit, Σ|f'|, non-finite, histogram] on the device: all sums."""
        if self.alive is None:
            return torch.zeros(self.packed_size(), dtype=torch.float64, device=device)
        head = torch.stack([self.der_sum, self.non_finite])
        return torch.cat([self.alive, self.saturated, head, self.hist[:BINS]])

    def packed_size(self) -> int:
        """Length of `packed()`."""
        return 2 * self.units + 2 + BINS

    def host_counts(self) -> List[float]:
        """[count of f'(z) values, samples]: known on the host already (from shapes), so never copied."""
        return [float(self.der_count), float(self.samples)]

    def summary(self, packed: torch.Tensor, samples) -> torch.Tensor:
        """From the (reduced) packed vector and the (reduced) sample count, a host number or a device scalar:
        [dead units, saturated units, Σ|f'|, non-finite]."""
        u = self.units
        alive, saturated, head = packed[:u], packed[u : 2 * u], packed[2 * u : 2 * u + 2]
        zero = torch.zeros((), dtype=torch.float64, device=packed.device)
        dead = (alive == 0).sum().to(torch.float64) if self.activation in DYING + ("unknown",) else zero
        sat = (saturated >= SATURATION_SAMPLES * samples).sum().to(torch.float64) if self.activation in PEAK_DERIVATIVE else zero
        seen = samples > 0  # no forward pass seen: nothing is dead or saturated
        seen = seen.to(torch.float64) if torch.is_tensor(seen) else float(seen)
        return torch.cat([torch.stack([dead * seen, sat * seen]), head])
