"""Export a small nn.Sequential of Linear layers and activations as a Gradient Debugger network file
(format v1): explicit weights (units × inputs, as nn.Linear.weight), the data (or its first
`max_samples` samples), the loss and the optimizer's settings."""
import json
import math
from typing import Optional

import torch
from torch import nn

from .layers import activation_id, unwrap

#: The format's sample limit (LIMITS.maxSamples in the core).
MAX_SAMPLES = 100_000

#: Loss names of the format, from a torch loss module or a name; the activation export appends, if any.
_LOSSES = {
    "CrossEntropyLoss": ("cross_entropy", "softmax"),
    "cross_entropy": ("cross_entropy", "softmax"),
    "MSELoss": ("mse", None),
    "mse": ("mse", None),
    "half_sse": ("half_sse", None),
    "BCELoss": ("binary_cross_entropy", None),
    "binary_cross_entropy": ("binary_cross_entropy", None),
    "BCEWithLogitsLoss": ("binary_cross_entropy", "sigmoid"),
}


class ExportError(ValueError):
    """The model, loss, data or optimizer cannot be written as a network file."""


def _activation(name: str, module: nn.Module):
    act = activation_id(module)
    if isinstance(module, nn.Identity):
        return "linear"
    if act == "leaky_relu":
        return {"type": "leaky_relu", "alpha": float(module.negative_slope)}
    if act == "elu":
        return {"type": "elu", "alpha": float(module.alpha)}
    if act == "gelu" and getattr(module, "approximate", "none") != "none":
        raise ExportError(
            f"module '{name}' (GELU approximate='tanh') is not supported: the format's gelu is the erf form"
        )
    if act == "softplus" and (module.beta != 1 or module.threshold != 20):
        raise ExportError(
            f"module '{name}' (Softplus beta={module.beta}, threshold={module.threshold}) is not supported"
        )
    if act is None:
        raise ExportError(
            f"module '{name}' ({type(module).__name__}) is not supported: export takes an nn.Sequential of nn.Linear "
            "and ReLU, LeakyReLU, ELU, GELU, SiLU, Sigmoid, Tanh, Softplus or Identity"
        )
    return act


def _floats(t: torch.Tensor):
    return t.detach().to(torch.float64).cpu().tolist()


def _layers(model: nn.Module):
    if not isinstance(model, nn.Sequential):
        raise ExportError(f"export takes an nn.Sequential, got {type(model).__name__}")
    layers = []
    for name, module in model.named_children():
        if isinstance(module, nn.Linear):
            bias = _floats(module.bias) if module.bias is not None else [0.0] * module.out_features
            label = f"layer{len(layers) + 1}" if name.isdigit() else name
            layers.append({"name": label, "units": module.out_features, "activation": "linear",
                           "weights": _floats(module.weight), "bias": bias})
        elif isinstance(module, nn.Dropout):
            continue  # identity at evaluation
        else:
            act = _activation(name, module)
            if not layers or layers[-1]["activation"] != "linear":
                raise ExportError(f"module '{name}' ({type(module).__name__}) does not follow an nn.Linear")
            layers[-1]["activation"] = act
    if not layers:
        raise ExportError("the model has no nn.Linear layer")
    return layers


def _training(optimizer, batch_size: Optional[int], steps: int) -> dict:
    if optimizer is None:
        return {"optimizer": "sgd", "learningRate": 0.1, "steps": steps}
    g = optimizer.param_groups[0]
    if type(optimizer) is torch.optim.SGD:
        if g.get("weight_decay", 0) or g.get("nesterov", False) or g.get("dampening", 0):
            raise ExportError("SGD with weight decay, Nesterov or dampening is not supported by the format")
        kind = "momentum" if g.get("momentum", 0) else "sgd"
        extra = {"momentum": float(g["momentum"])} if kind == "momentum" else {}
    elif type(optimizer) is torch.optim.Adam:
        if tuple(g["betas"]) != (0.9, 0.999) or g["eps"] != 1e-8 or g.get("weight_decay", 0) or g.get("amsgrad"):
            raise ExportError("Adam is supported with its defaults only (betas 0.9/0.999, eps 1e-8, no weight decay)")
        kind, extra = "adam", {}
    else:
        raise ExportError(
            f"optimizer {type(optimizer).__name__} is not supported: use SGD (with or without momentum) or Adam"
        )
    out = {"optimizer": kind, "learningRate": float(g["lr"]), **extra, "steps": steps}
    if batch_size is not None:
        out["batchSize"] = int(batch_size)
    return out


def _targets(targets: torch.Tensor, loss: str, units: int):
    if loss == "cross_entropy" and targets.dim() == 1 and not targets.is_floating_point():
        if units < 2:
            raise ExportError("class-index targets need an output layer of 2 or more units")
        return [[int(c)] for c in targets.tolist()]  # class indices, as such
    rows = _floats(targets)
    return [r if isinstance(r, list) else [r] for r in rows]


def export(model, path: str, inputs, targets, loss="cross_entropy", optimizer=None, name: Optional[str] = None,
           batch_size: Optional[int] = None, steps: int = 100, max_samples: int = MAX_SAMPLES, seed: int = 0) -> dict:
    """Writes `model` (an nn.Sequential of Linear and activations) with `inputs` and `targets` as a format-v1
    network file at `path`, and returns the written object. A model trained with CrossEntropyLoss ends in
    logits: the softmax is appended (BCEWithLogitsLoss: the sigmoid)."""
    key = loss if isinstance(loss, str) else type(loss).__name__
    if key not in _LOSSES:
        raise ExportError(f"loss {key!r} is not supported: use {', '.join(sorted(_LOSSES))}")
    loss_name, appended = _LOSSES[key]
    layers = _layers(unwrap(model))
    if appended is not None:
        if layers[-1]["activation"] != "linear":
            raise ExportError(f"{key} takes logits: the model must end in nn.Linear, not {layers[-1]['activation']}")
        layers[-1]["activation"] = appended
    n = min(int(inputs.shape[0]), int(max_samples))
    x = inputs[:n].reshape(n, -1)
    spec = {
        "name": name or type(unwrap(model)).__name__,
        "seed": seed,
        "input": int(x.shape[1]),
        "layers": layers,
        "loss": loss_name,
        "data": {"inputs": _floats(x), "targets": _targets(targets[:n], loss_name, layers[-1]["units"])},
        "training": _training(optimizer, batch_size, steps),
    }
    if any(not math.isfinite(v) for l in layers for row in l["weights"] for v in row):
        raise ExportError("the weights hold NaN or infinite values")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(spec, f, indent=1, allow_nan=False)
        f.write("\n")
    return spec
