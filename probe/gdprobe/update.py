"""Per-layer gradient and weight figures, and the size of the optimizer's coming update from its state.

Every figure is a sum of squares (or a count), so sharded parameters (FSDP) combine by addition
across ranks before the square root. The update is the one `optimizer.step()` is about to apply,
computed from the optimizer's state without changing it: SGD (momentum, Nesterov, weight decay),
Adam and AdamW (their moments and bias corrections, amsgrad). Any other optimizer falls back to
lr·‖∇W‖.
"""
import math
from typing import Dict, Optional

import torch

#: Figures per layer, all sums: ‖∇W‖², ‖∇b‖², ‖W‖², ‖ΔW‖², non-finite gradient entries.
PARAM_FIGURES = 5


def local(t: Optional[torch.Tensor]) -> Optional[torch.Tensor]:
    """The rank's own part of a (possibly distributed) tensor."""
    return t.to_local() if t is not None and hasattr(t, "to_local") else t


def _sq(t: Optional[torch.Tensor], device) -> torch.Tensor:
    if t is None or t.numel() == 0:
        return torch.zeros((), dtype=torch.float64, device=device)
    return torch.linalg.vector_norm(t.detach(), dtype=torch.float64) ** 2


def optimizer_kind(optimizer) -> str:
    """How the coming update is computed: "sgd", "adam", "adamw", or "other" (lr·‖∇W‖)."""
    if optimizer is None:
        return "other"
    if isinstance(optimizer, torch.optim.AdamW):
        return "adamw"
    if isinstance(optimizer, torch.optim.Adam):
        return "adam"
    if isinstance(optimizer, torch.optim.SGD):
        return "sgd"
    return "other"


def groups_by_parameter(optimizer) -> Dict[int, dict]:
    """The optimizer's param group of each parameter, by id."""
    if optimizer is None:
        return {}
    return {id(p): g for g in optimizer.param_groups for p in g["params"]}


def _sgd_update(w, g, group, state):
    d = g + group.get("weight_decay", 0) * w if group.get("weight_decay", 0) else g
    mu = group.get("momentum", 0)
    if mu:
        buf = state.get("momentum_buffer")
        b = d if buf is None else mu * local(buf) + (1 - group.get("dampening", 0)) * d
        d = d + mu * b if group.get("nesterov", False) else b
    return group["lr"] * d


def _adam_update(w, g, group, state, decoupled: bool):
    beta1, beta2 = group["betas"]
    lr, eps, wd = group["lr"], group["eps"], group.get("weight_decay", 0)
    if wd and not decoupled:
        g = g + wd * w
    m, v = local(state.get("exp_avg")), local(state.get("exp_avg_sq"))
    m = (1 - beta1) * g if m is None else beta1 * m + (1 - beta1) * g
    v = (1 - beta2) * g * g if v is None else beta2 * v + (1 - beta2) * g * g
    step = state.get("step", 0)
    if torch.is_tensor(step) and step.device.type != "cpu":  # capturable/fused: the count lives on the device
        t = step.to(torch.float64) + 1
        bc1, bc2 = 1 - beta1**t, (1 - beta2**t).sqrt()
    else:  # a CPU count (torch's default) is read without any device copy
        t = float(step) + 1
        bc1, bc2 = 1 - beta1**t, math.sqrt(1 - beta2**t)
    if group.get("amsgrad", False) and state.get("max_exp_avg_sq") is not None:
        v = torch.maximum(local(state["max_exp_avg_sq"]), v)
    u = (lr / bc1) * m / (v.sqrt() / bc2 + eps)
    return u + lr * wd * w if decoupled and wd else u


def coming_update(weight, kind: str, group: Optional[dict], state: dict) -> Optional[torch.Tensor]:
    """ΔW that optimizer.step() is about to apply to `weight` (its local part), or None when it has no gradient."""
    g = local(weight.grad)
    if g is None or group is None:
        return None
    g = -g if group.get("maximize", False) else g
    w = local(weight).detach()
    if kind == "sgd":
        return _sgd_update(w, g, group, state)
    if kind in ("adam", "adamw"):
        return _adam_update(w, g, group, state, kind == "adamw")
    return group.get("lr", 0.0) * g


def param_squares(module, optimizer, kind: str, groups: Dict[int, dict], device) -> torch.Tensor:
    """[‖∇W‖², ‖∇b‖², ‖W‖², ‖ΔW‖², non-finite gradient entries] of one layer's local parameters."""
    w = module._parameters.get("weight")
    b = module._parameters.get("bias")
    gw, gb = local(w.grad), local(b.grad) if b is not None else None
    state = optimizer.state.get(w, {}) if optimizer is not None else {}
    with torch.no_grad():
        update = coming_update(w, kind, groups.get(id(w)), state)
        bad = sum(((~torch.isfinite(g)).sum().to(torch.float64) for g in (gw, gb) if g is not None), torch.zeros((), dtype=torch.float64, device=device))
        return torch.stack([_sq(gw, device), _sq(gb, device), _sq(local(w), device), _sq(update, device), bad.to(device)])
