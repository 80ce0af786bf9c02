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

#: Figures per layer, all sums of squares: ‖∇W‖², ‖∇b‖², ‖W‖², ‖ΔW‖² (a gradient is non-finite exactly when its sum
#: of squares is).
PARAM_FIGURES = 4


def local(t: Optional[torch.Tensor]) -> Optional[torch.Tensor]:
    """The rank's own part of a (possibly distributed) tensor."""
    return t.to_local() if t is not None and hasattr(t, "to_local") else t


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


def _grouped(items, key):
    groups = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups.values()


def _chunks(items, numel=lambda item: item[1].numel(), cap=1 << 22):
    """Consecutive runs of items whose tensors hold ≤ max(cap, the largest) elements: the foreach temporaries of
    one run stay within a few weights' worth of memory."""
    run, size = [], 0
    for item in items:
        if run and size + numel(item) > cap:
            yield run
            run, size = [], 0
        run.append(item)
        size += numel(item)
    if run:
        yield run


def _adam_directions(items, group, step: float, decoupled: bool):
    """m̂/(√v̂ + ε) per (k, w, g, state) of one param group and step count, with foreach ops (one launch per op for
    the whole chunk on a GPU); the caller multiplies its norm by lr/(1 − β1^t) unless the decay is decoupled."""
    beta1, beta2 = (float(b) for b in group["betas"])  # floats: foreach scalars (torch 2 allows tensors here)
    lr, eps, wd = float(group["lr"]), float(group["eps"]), float(group.get("weight_decay", 0))
    ws = [local(w).detach() for _, w, _, _ in items]
    gs = [g for _, _, g, _ in items]
    if wd and not decoupled:
        gs = torch._foreach_add(gs, ws, alpha=wd)
    states = [st for _, _, _, st in items]
    if states[0].get("exp_avg") is None:
        m = torch._foreach_mul(gs, 1 - beta1)
        v = torch._foreach_mul(gs, gs)
        torch._foreach_mul_(v, 1 - beta2)
    else:
        m = torch._foreach_mul([local(st["exp_avg"]) for st in states], beta1)
        torch._foreach_add_(m, gs, alpha=1 - beta1)
        v = torch._foreach_mul([local(st["exp_avg_sq"]) for st in states], beta2)
        torch._foreach_addcmul_(v, gs, gs, value=1 - beta2)
    if group.get("amsgrad", False) and states[0].get("max_exp_avg_sq") is not None:
        v = torch._foreach_maximum([local(st["max_exp_avg_sq"]) for st in states], v)
    t = step + 1
    bc1, bc2 = 1 - beta1**t, math.sqrt(1 - beta2**t)
    torch._foreach_sqrt_(v)
    torch._foreach_div_(v, bc2)
    torch._foreach_add_(v, eps)
    torch._foreach_div_(m, v)
    if decoupled and wd:
        torch._foreach_mul_(m, lr / bc1)
        torch._foreach_add_(m, ws, alpha=lr * wd)
        return m, 1.0
    return m, lr / bc1


def _sgd_directions(items, group):
    """ΔW/lr of SGD with momentum or weight decay per (k, w, g, state) of one param group, with foreach ops."""
    wd, mu = float(group.get("weight_decay", 0)), float(group.get("momentum", 0))
    gs = [g for _, _, g, _ in items]
    d = torch._foreach_add(gs, [local(w).detach() for _, w, _, _ in items], alpha=wd) if wd else gs
    if not mu:
        return d, float(group["lr"])
    bufs = [st.get("momentum_buffer") for _, _, _, st in items]
    if bufs[0] is None:
        b = d
    else:
        b = torch._foreach_mul([local(x) for x in bufs], mu)
        torch._foreach_add_(b, d, alpha=1 - float(group.get("dampening", 0)))
    return (torch._foreach_add(d, b, alpha=mu) if group.get("nesterov", False) else b), float(group["lr"])


def _plain_step(kind: str, group: dict, state: dict) -> bool:
    """Whether the coming update is lr·∇W exactly (its norm is lr·‖∇W‖: no elementwise work)."""
    if kind == "other":
        return True
    return kind == "sgd" and not group.get("weight_decay", 0) and not (group.get("momentum", 0))


def updates(layers, optimizer, kind: str, groups: Dict[int, dict]):
    """Per layer (weight W): (the tensor whose norm, times the factor, is ‖ΔW‖ of the coming step, factor), or
    (None, 0) without a gradient. Runs of weights that share a param group and an optimizer state shape are
    computed together with foreach ops; unusual states (a step count on the device) take the per-tensor path."""
    out = [(None, 0.0)] * len(layers)
    pending = []
    for k, module in enumerate(layers):
        w = module._parameters.get("weight")
        g, group = local(w.grad), groups.get(id(w))
        if g is None or group is None:
            continue
        state = optimizer.state.get(w, {}) if optimizer is not None else {}
        if _plain_step(kind, group, state):
            out[k] = (g, abs(float(group.get("lr", 0.0))))
        elif torch.is_tensor(state.get("step")) and state["step"].device.type != "cpu":
            out[k] = (coming_update(w, kind, group, state), 1.0)
        else:
            pending.append((k, w, -g if group.get("maximize", False) else g, state))

    def key(item):
        _, w, _, st = item
        return (id(groups[id(w)]), float(st.get("step", 0)), len(st), w.device, w.dtype)

    for same in _grouped(pending, key):
        group, step = groups[id(same[0][1])], float(same[0][3].get("step", 0))
        for run in _chunks(same, numel=lambda item: item[1].numel()):
            if kind == "sgd":
                directions, factor = _sgd_directions(run, group)
            else:
                directions, factor = _adam_directions(run, group, step, kind == "adamw")
            for (k, _, _, _), d in zip(run, directions):
                out[k] = (d, abs(factor))
    return out


_EMPTY = {}


def _empty(device, dtype) -> torch.Tensor:
    key = (device, dtype)
    if key not in _EMPTY:
        _EMPTY[key] = torch.zeros(0, dtype=dtype, device=device)
    return _EMPTY[key]


def norms(tensors) -> torch.Tensor:
    """‖t‖ of each tensor as one float64 vector: one foreach norm per device and dtype (float32 and float64 are
    accumulated in their own precision; a norm that overflows it counts as non-finite), others per tensor."""
    keys = {(t.device, t.dtype) for t in tensors}
    if len(keys) == 1 and next(iter(keys))[1] in (torch.float32, torch.float64):
        return torch.stack(torch._foreach_norm(tensors)).to(torch.float64)
    return torch.stack([torch.linalg.vector_norm(t, dtype=torch.float64) for t in tensors])


def param_squares(layers, optimizer, kind: str, groups: Dict[int, dict]) -> torch.Tensor:
    """[‖∇W‖², ‖∇b‖², ‖W‖², ‖ΔW‖²] per layer as one float64 vector of 4·layers: sums of this rank's squares, so
    that shards add up (each rank scales its own part of ΔW by its own step size)."""
    with torch.no_grad():
        steps = updates(layers, optimizer, kind, groups)
        tensors, scale = [], []
        for module, (d, factor) in zip(layers, steps):
            weight, b = module._parameters.get("weight"), module._parameters.get("bias")
            # the gradient hangs on the parameter itself: a DTensor's local part (fully_shard) has none
            w, gw, gb = local(weight), local(weight.grad), local(b.grad) if b is not None else None
            tensors += [t.detach() if t is not None else _empty(w.device, w.dtype) for t in (gw, gb, w, d)]
            scale += [1.0, 1.0, 1.0, factor]
        device = tensors[0].device
        return norms(tensors).mul_(torch.tensor(scale, dtype=torch.float64).to(device, non_blocking=True)).square_()
