#!/usr/bin/env python3
"""Reference values from PyTorch for the network files in test/fixtures/reference/cases.

Independent of our TypeScript core: every number comes from torch's own modules, functional
activations, losses, optimizers and clipping utilities, in float64. Writes one JSON file per case
to test/fixtures/reference/expected/. Run with Debian's python3-torch:

    /usr/bin/python3 scripts/torch-reference.py
"""
import json
import math
import pathlib

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
ROOT = pathlib.Path(__file__).resolve().parent.parent
CASES = ROOT / "test" / "fixtures" / "reference" / "cases"
EXPECTED = ROOT / "test" / "fixtures" / "reference" / "expected"

DEFAULT_ALPHA = {"leaky_relu": 0.01, "elu": 1.0}


def activation(spec):
    """The torch function for a file's activation (string or {type, alpha})."""
    name = spec if isinstance(spec, str) else spec["type"]
    alpha = (spec.get("alpha") if isinstance(spec, dict) else None) or DEFAULT_ALPHA.get(name)
    return {
        "linear": lambda z: z,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": F.relu,
        "leaky_relu": lambda z: F.leaky_relu(z, negative_slope=alpha),
        "elu": lambda z: F.elu(z, alpha=alpha),
        "softplus": F.softplus,  # beta 1, threshold 20
        "gelu": lambda z: F.gelu(z, approximate="none"),
        "silu": F.silu,
        "softmax": lambda z: torch.softmax(z, dim=1),
    }[name], name


def build(case):
    layers = []
    for layer in case["layers"]:
        linear = torch.nn.Linear(len(layer["weights"][0]), layer["units"])
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(layer["weights"]))
            linear.bias.copy_(torch.tensor(layer.get("bias", [0.0] * layer["units"])))
        f, name = activation(layer["activation"])
        layers.append((linear, f, name))
    return layers


def loss_of(case, layers, x, t):
    """Forward pass and loss; cross_entropy is computed from the logits as torch does."""
    a = x
    for i, (linear, f, name) in enumerate(layers):
        z = linear(a)
        if i == len(layers) - 1 and case["loss"] == "cross_entropy":
            logits = z
        a = f(z)
    loss = case["loss"]
    if loss == "mse":
        return F.mse_loss(a, t), a
    if loss == "half_sse":
        return 0.5 * ((a - t) ** 2).sum(dim=1).mean(), a
    if loss == "cross_entropy":
        return F.cross_entropy(logits, t), a  # probability targets: −Σ t·log_softmax, mean over samples
    if loss == "binary_cross_entropy":
        return F.binary_cross_entropy(a, t), a
    raise ValueError(loss)


def parameters(layers):
    return [p for linear, _, _ in layers for p in (linear.weight, linear.bias)]


def optimizer(case, params):
    tr = case.get("training", {})
    lr = tr.get("learningRate", 0.1)
    kind = tr.get("optimizer", "sgd")
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if kind == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=tr.get("momentum", 0.9), dampening=0)
    return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8)


def reference(case):
    x = torch.tensor(case["data"]["inputs"])
    t = torch.tensor(case["data"]["targets"])
    layers = build(case)
    params = parameters(layers)
    loss, out = loss_of(case, layers, x, t)
    loss.backward()
    result = {
        "loss": loss.item(),
        "output": out.tolist(),
        "gradients": [{"weights": l.weight.grad.tolist(), "bias": l.bias.grad.tolist()} for l, _, _ in layers],
    }
    tr = case.get("training", {})
    steps = tr.get("steps", 100)
    n = x.shape[0]
    batch = tr.get("batchSize", n)
    layers = build(case)  # fresh copy for training
    params = parameters(layers)
    opt = optimizer(case, params)
    losses = []
    position = 0
    for _ in range(steps):
        size = min(batch, n - position)  # DataLoader order: ⌈N/B⌉ batches per pass, the last may be smaller
        xb, tb = x[position:position + size], t[position:position + size]
        position = (position + size) % n
        opt.zero_grad()
        loss, _ = loss_of(case, layers, xb, tb)
        loss.backward()
        clip = tr.get("clip")
        if clip and "norm" in clip:
            torch.nn.utils.clip_grad_norm_(params, clip["norm"])
        elif clip and "value" in clip:
            torch.nn.utils.clip_grad_value_(params, clip["value"])
        opt.step()
        losses.append(loss.item())
    result["training"] = {
        "steps": steps,
        "losses": losses,
        "parameters": [{"weights": l.weight.tolist(), "bias": l.bias.tolist()} for l, _, _ in layers],
    }
    return result


def main():
    EXPECTED.mkdir(parents=True, exist_ok=True)
    for path in sorted(CASES.glob("*.net.json")):
        case = json.loads(path.read_text())
        out = reference(case)
        assert all(math.isfinite(v) for v in out["training"]["losses"]), path.name
        (EXPECTED / path.name.replace(".net.json", ".json")).write_text(json.dumps(out, indent=1) + "\n")
        print(f"{path.name}: loss {out['loss']:.12g}")
    print(f"torch {torch.__version__}")


if __name__ == "__main__":
    main()
