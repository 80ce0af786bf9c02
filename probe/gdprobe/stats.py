"""Activation statistics accumulated on the device inside forward hooks (never a host copy there).

Every statistic is a sum or a count, so micro-batches and ranks combine by addition: alive counts per
unit (a unit is dead when no sample of any micro-batch on any rank had z > 0), saturated counts per
unit, Σ|f'(z)| and its count (the sum is non-finite exactly when some activation is), and a fixed-bin
histogram of a = f(z) from which percentiles are read exactly to one bin (by summary.summarize, on the
device, with the core's rule: the value at sorted index round(p/100·(n−1))).
"""
import math
from typing import Optional

import torch

#: Percentiles recorded per layer and step (the core's RECORDED_PERCENTILES).
PERCENTILES = (5, 25, 50, 75, 95)
#: Histogram of activations: magnitudes 1e-6 … 1e6 in BINS_PER_DECADE log-spaced bins per sign, plus
#: one bin for |a| < 1e-6 and one overflow bin per sign.
BINS_PER_DECADE = 32
LOG10_MIN, LOG10_MAX = -6, 6
_MAGNITUDE_EDGES = [
    10.0 ** (LOG10_MIN + k / BINS_PER_DECADE) for k in range((LOG10_MAX - LOG10_MIN) * BINS_PER_DECADE + 1)
]
#: Sorted bin boundaries over the real line: −1e6 … −1e-6, 1e-6 … 1e6.
BOUNDARIES = [-e for e in reversed(_MAGNITUDE_EDGES)] + _MAGNITUDE_EDGES
#: Number of histogram bins (one more than boundaries).
BINS = len(BOUNDARIES) + 1

#: Most activation values one forward pass adds to the histogram (an evenly strided sample beyond it): bucketing
#: costs about 0.1 µs a value on a CPU, and 16,384 values place each percentile well within one bin.
HISTOGRAM_VALUES = 1 << 14


def sample_stride(numel: int, units: int) -> int:
    """The stride of the histogram's sample: the smallest ≥ numel/HISTOGRAM_VALUES that shares no factor with the
    unit count, so that the sample of a samples × units tensor visits every unit."""
    stride = -(-numel // HISTOGRAM_VALUES)
    while stride > 1 and math.gcd(stride, units) != 1:
        stride += 1
    return stride

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


#: The value each histogram bin stands for (its geometric midpoint), indexed by bin.
BIN_VALUES = [bin_value(b) for b in range(BINS)]


def _derivative(activation: str, a: torch.Tensor, z: Optional[torch.Tensor], module):
    """(f'(z), whether it can be negative) from the output a where possible (in-place modules overwrite z), with
    as few elementwise passes as possible; None for activations whose Σ|f'| follows from counts (ReLU family,
    identity) or that cannot be computed (SiLU, GELU without z)."""
    if activation == "sigmoid":
        return torch.rsub(a, 1).mul_(a), False  # a(1 − a), accurate near a = 1
    if activation == "tanh":
        return torch.addcmul(_one(a), a, a, value=-1), False  # 1 − a²
    if activation == "elu":
        return torch.where(a > 0, 1.0, a + module.alpha), module.alpha < 0
    if activation == "softplus":
        return torch.expm1(a * -module.beta), False  # −f'(z) ≤ 0: der_sum_factor restores the sign
    if z is None or getattr(module, "inplace", False) or activation not in ("silu", "gelu"):
        return None, False
    if activation == "silu":
        s = torch.sigmoid(z)
        return torch.addcmul(s, z, torch.rsub(s, 1).mul_(s)), True  # σ + zσ(1 − σ)
    if getattr(module, "approximate", "none") == "tanh":
        with torch.enable_grad():
            zz = z.detach().requires_grad_(True)
            (g,) = torch.autograd.grad(torch.nn.functional.gelu(zz, approximate="tanh").sum(), zz)
        return g, True
    cdf = torch.erfc(z * -math.sqrt(0.5)).mul_(0.5)  # Φ(z)
    return torch.addcmul(cdf, z, torch.exp(z * z * -0.5), value=1 / math.sqrt(2 * math.pi)), True  # Φ + zφ


_ONES = {}


def _one(a: torch.Tensor) -> torch.Tensor:
    key = (a.device, a.dtype)
    if key not in _ONES:
        _ONES[key] = torch.ones((), dtype=a.dtype, device=a.device)
    return _ONES[key]


def _accumulate(total: Optional[torch.Tensor], value: torch.Tensor) -> torch.Tensor:
    """total + value, with the first value of a step kept as it is (no zero-filled buffer, no extra pass)."""
    return value if total is None else total.add_(value)


class ActivationStats:
    """Sums and counts of one layer's activation over the forward passes of one logged step, on the device.

    Per forward pass, a ReLU layer costs 5 device operations (a > 0, its per-unit sum, the sum of a that is
    non-finite exactly when some activation is, the bucketing of ≤ HISTOGRAM_VALUES values and their index_add
    into the probe's histogram); Σ|f'| of the ReLU family and of identities follows from counts on the host."""

    def __init__(self, activation: str, units: int, unit_dim: int, module=None):
        self.activation = activation
        self.units = units
        self.unit_dim = unit_dim
        self.module = module
        #: alive counts per unit are kept for the ReLU family and for functional activations (zero columns)
        self.tracks_alive = activation in DYING + ("unknown",)
        self.tracks_saturation = activation in PEAK_DERIVATIVE
        #: this layer's row of the probe's histogram buffer (set by the probe before the first forward)
        self.hist: Optional[torch.Tensor] = None
        self.reset()

    def reset(self):
        """Forgets the current step's values (the probe zeroes the histogram rows)."""
        self.alive = None
        self.saturated = None
        #: Σ|f'(z)| where a derivative is computed, else Σa: non-finite exactly when some activation was
        self.check = None
        self.der_count = 0
        self.samples = 0

    def _per_unit(self, t: torch.Tensor) -> torch.Tensor:
        """Per-unit sum (over every dimension but the unit one) as float64."""
        if t.dim() <= 1:
            return t.reshape(-1).to(torch.float64)
        unit = self.unit_dim % t.dim()
        return t.sum([d for d in range(t.dim()) if d != unit], dtype=torch.float64)

    def add(self, a: torch.Tensor, z: Optional[torch.Tensor], boundaries: torch.Tensor, ones: torch.Tensor) -> None:
        """Adds one forward pass's activations a (and pre-activations z, when known); device ops only.
        `boundaries` are BOUNDARIES on a's device and dtype, `ones` at least HISTOGRAM_VALUES float64 ones."""
        a = a.detach()
        units = a.shape[self.unit_dim] if a.dim() > 1 else a.numel()
        self.units = units
        self.samples += a.numel() // max(units, 1)
        if self.tracks_alive:
            self.alive = _accumulate(self.alive, self._per_unit(a > 0 if self.activation in DYING else a != 0))
        der, signed = _derivative(self.activation, a, None if z is None else z.detach(), self.module)
        if der is None:
            check = a.sum(dtype=torch.float64)
            if self.activation in DYING or self.activation == "linear":
                self.der_count += a.numel()  # Σ|f'| follows from the alive counts (or is the count)
        else:
            check = (der.abs() if signed else der).sum(dtype=torch.float64)
            self.der_count += der.numel()
            if self.tracks_saturation:
                limit = SATURATION_DERIVATIVE * PEAK_DERIVATIVE[self.activation]
                self.saturated = _accumulate(self.saturated, self._per_unit(der < limit))
        self.check = _accumulate(self.check, check)
        sample = a.reshape(-1)
        if sample.numel() > HISTOGRAM_VALUES:  # evenly strided, as the core samples its percentiles
            sample = sample[:: sample_stride(sample.numel(), units)].contiguous()  # bucketize's own copy warns
        # NaN and +∞ fall in the top bin, −∞ in the bottom one: a non-finite layer's percentiles are not read
        index = torch.bucketize(sample, boundaries)
        self.hist.index_add_(0, index, ones[: index.numel()])

    def der_sum_factor(self):
        """How the host turns this layer's figures into Σ|f'|: ("check", sign), ("alive", slope) or ("count", 1)."""
        if self.activation == "relu":
            return "alive", 0.0
        if self.activation == "leaky_relu":
            return "alive", abs(self.module.negative_slope)
        if self.activation == "linear":
            return "count", 1.0
        return "check", -1.0 if self.activation == "softplus" else 1.0
