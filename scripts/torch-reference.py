#!/usr/bin/env python3
"""Reference values from PyTorch for the network files in test/fixtures/reference/cases.

Independent of our TypeScript core: every number comes from torch's own nn.Linear, functional
activations, losses, optimizers and clipping utilities, in float64. Writes one JSON file per case
to test/fixtures/reference/expected/ and prints, per case, the facts the cases are meant to cover
(pre-activation ranges, exact zeros at kinks, gradient norm against the clip). Run with Debian's
python3-torch (torch >= 1.10 for probability targets in cross_entropy):

    /usr/bin/python3 scripts/torch-reference.py

Minibatches follow torch.utils.data.DataLoader(shuffle=False, drop_last=False): each pass over the
N samples is cut into ceil(N/B) consecutive batches in data order, the last holding the remainder;
the next pass starts again at sample 0. (With N divisible by B, batch k is samples kB mod N ... +B-1.)
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
DEFAULT_TRAINING = {"optimizer": "sgd", "learningRate": 0.1, "momentum": 0.9, "steps": 100}


def activation(spec):
    """The torch function for a file's activation (a name or {"type", "alpha"}), and its name."""
    name = spec if isinstance(spec, str) else spec["type"]
    alpha = spec.get("alpha") if isinstance(spec, dict) else None
    if alpha is None:
        alpha = DEFAULT_ALPHA.get(name)
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
        "softmax": lambda z: F.softmax(z, dim=1),
    }[name], name


def build(case):
    """One (nn.Linear, activation, name) per layer, with the file's weights and biases."""
    layers = []
    for layer in case["layers"]:
        linear = torch.nn.Linear(len(layer["weights"][0]), layer["units"])
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(layer["weights"]))
            linear.bias.copy_(torch.tensor(layer.get("bias", [0.0] * layer["units"])))
        f, name = activation(layer["activation"])
        layers.append((linear, f, name))
    return layers


def forward(layers, x):
    """Pre-activations z of every layer and the output a."""
    zs, a = [], x
    for linear, f, _ in layers:
        zs.append(linear(a))
        a = f(zs[-1])
    return zs, a


def loss_of(case, layers, x, t):
    """Forward pass and loss (torch's loss functions); cross_entropy is computed from the logits."""
    zs, a = forward(layers, x)
    loss = case["loss"]
    if loss == "mse":
        return F.mse_loss(a, t), a
    if loss == "half_sse":
        return 0.5 * F.mse_loss(a, t, reduction="sum") / a.shape[0], a
    if loss == "cross_entropy":
        return F.cross_entropy(zs[-1], t), a  # probability targets: −Σ t·log_softmax(z), mean over samples
    if loss == "binary_cross_entropy":
        return F.binary_cross_entropy(a, t), a  # BCELoss: logs clamped at −100
    raise ValueError(loss)


def parameters(layers):
    return [p for linear, _, _ in layers for p in (linear.weight, linear.bias)]


def settings(case):
    return {**DEFAULT_TRAINING, **case.get("training", {})}


def optimizer(tr, params):
    lr = tr["learningRate"]
    if tr["optimizer"] == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if tr["optimizer"] == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=tr["momentum"], dampening=0)
    return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8)


def train(case, x, t):
    """K steps of forward, loss, backward, clip, update; losses measured before each update."""
    tr = settings(case)
    n = x.shape[0]
    batch = min(tr.get("batchSize", n), n)
    layers = build(case)
    params = parameters(layers)
    opt = optimizer(tr, params)
    clip = tr.get("clip")
    losses, position = [], 0
    for _ in range(tr["steps"]):
        size = min(batch, n - position)
        xb, tb = x[position:position + size], t[position:position + size]
        position = (position + size) % n
        opt.zero_grad()
        loss, _ = loss_of(case, layers, xb, tb)
        loss.backward()
        if clip and "norm" in clip:
            torch.nn.utils.clip_grad_norm_(params, clip["norm"])
        elif clip and "value" in clip:
            torch.nn.utils.clip_grad_value_(params, clip["value"])
        opt.step()
        losses.append(loss.item())
    return {
        "steps": tr["steps"],
        "losses": losses,
        "parameters": [{"weights": l.weight.tolist(), "bias": l.bias.tolist()} for l, _, _ in layers],
    }


def reference(case):
    x = torch.tensor(case["data"]["inputs"])
    t = torch.tensor(case["data"]["targets"])
    layers = build(case)
    loss, out = loss_of(case, layers, x, t)
    loss.backward()
    return {
        "torch": torch.__version__,
        "loss": loss.item(),
        "output": out.tolist(),
        "gradients": [{"weights": l.weight.grad.tolist(), "bias": l.bias.grad.tolist()} for l, _, _ in layers],
        "training": train(case, x, t),
    }, coverage(case, layers, x)


def coverage(case, layers, x):
    """One line per layer: activation, z range and exact zeros, so the README's claims can be checked."""
    with torch.no_grad():
        zs, _ = forward(layers, x)
    lines = []
    for spec, (linear, _, name), z in zip(case["layers"], layers, zs):
        alpha = spec["activation"].get("alpha") if isinstance(spec["activation"], dict) else None
        lines.append(f"    {spec['name']}: {name}{'' if alpha is None else f'(α={alpha})'} "
                     f"{linear.in_features}→{linear.out_features} z∈[{z.min().item():.4g}, {z.max().item():.4g}] "
                     f"z=0: {int((z == 0).sum())}")
    norm = torch.norm(torch.stack([p.grad.norm() for p in parameters(layers)])).item()
    tr = settings(case)
    lines.append(f"    N={x.shape[0]} B={tr.get('batchSize', x.shape[0])} {tr['optimizer']} steps={tr['steps']} "
                 f"clip={tr.get('clip')} ‖∇‖={norm:.4g} max|∇|={max(p.grad.abs().max().item() for p in parameters(layers)):.4g}")
    return lines


def dump(value, indent=0):
    """JSON with one matrix row per line: small, readable, diff-friendly; floats via repr (round-trip exact)."""
    pad = " " * indent
    if isinstance(value, dict):
        items = [f'{pad} {json.dumps(k)}: {dump(v, indent + 1).lstrip()}' for k, v in value.items()]
        return pad + "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and value and isinstance(value[0], (list, dict)):
        return pad + "[\n" + ",\n".join(dump(v, indent + 1) for v in value) + "\n" + pad + "]"
    return pad + json.dumps(value)


def main():
    EXPECTED.mkdir(parents=True, exist_ok=True)
    for path in sorted(CASES.glob("*.net.json")):
        case = json.loads(path.read_text())
        out, lines = reference(case)
        assert all(math.isfinite(v) for v in out["training"]["losses"]), path.name
        (EXPECTED / path.name.replace(".net.json", ".json")).write_text(dump(out) + "\n")
        print(f"{path.name}: loss {out['loss']:.12g}")
        print("\n".join(lines))
    print(f"torch {torch.__version__}")


if __name__ == "__main__":
    main()
