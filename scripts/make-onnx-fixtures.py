#!/usr/bin/env python3
"""ONNX and safetensors fixtures for the model import tests, with PyTorch reference numbers.

Run with Debian's python3-torch 1.13 and python3-onnx:

    /usr/bin/python3 scripts/make-onnx-fixtures.py

Writes test/fixtures/onnx/:
  <name>.onnx            made by torch.onnx.export (opset 13) from a small nn.Sequential, or, for the
                         names starting with "hand-", built by hand with onnx.helper to mimic other
                         producers (newer exporters, Keras via tf2onnx) and malformed files;
  <name>.expected.json   for importable exported models: the float64 gradients of the loss for fixed
                         data and the weights stored in the file, and 5 full-batch SGD steps (lr 0.1).
torch 1.13 gives Gemm for 2-D input, MatMul+Add for 3-D input, MatMul without a bias, the Erf
pattern for exact GELU and Sigmoid·Mul for SiLU; the reference maths runs in float64 on the float32
weights the file holds (float32 → float64 is exact).
"""
import json
import pathlib
import sys

import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "test" / "fixtures" / "onnx"
OPSET = 13
SAMPLES = 6


class Lift3d(nn.Module):
    """Runs a model on a (batch, 1, features) input, so the exporter emits MatMul + Add."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner(x)


def seq(*layers):
    return nn.Sequential(*layers)


# the layers below draw their initial weights from this one seeded stream, in order
torch.manual_seed(0)
# name → (model, input shape after the batch dim, loss)
EXPORTED = {
    "relu-gemm": (seq(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2)), [3], "mse"),
    "leaky-elu": (seq(nn.Linear(3, 4), nn.LeakyReLU(0.2), nn.Linear(4, 4), nn.ELU(0.7), nn.Linear(4, 1)), [3], "mse"),
    "sigmoid-tanh-bce": (seq(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid()), [2], "binary_cross_entropy"),
    "softplus-gelu-silu": (
        seq(nn.Linear(3, 4), nn.Softplus(), nn.Linear(4, 4), nn.GELU(), nn.Linear(4, 4), nn.SiLU(), nn.Linear(4, 2)),
        [3],
        "mse",
    ),
    "softmax": (seq(nn.Linear(2, 6), nn.ReLU(), nn.Linear(6, 3), nn.Softmax(dim=1)), [2], "cross_entropy"),
    "logsoftmax": (seq(nn.Linear(2, 5), nn.Tanh(), nn.Linear(5, 3), nn.LogSoftmax(dim=1)), [2], "cross_entropy"),
    "dropout-identity": (
        seq(nn.Linear(3, 4), nn.Dropout(0.5), nn.ReLU(), nn.Identity(), nn.Linear(4, 2)),
        [3],
        "mse",
    ),
    "flatten": (seq(nn.Flatten(), nn.Linear(6, 4), nn.ReLU(), nn.Linear(4, 2)), [2, 3], "mse"),
    "matmul-add-3d": (seq(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)), [1, 3], "mse"),
    "no-bias": (seq(nn.Linear(3, 4, bias=False), nn.Tanh(), nn.Linear(4, 2, bias=False)), [3], "mse"),
}
REFUSED_EXPORTS = {
    "refuse-gelu-tanh": (seq(nn.Linear(2, 3), nn.GELU(approximate="tanh"), nn.Linear(3, 1)), [2]),
    "refuse-softplus-beta": (seq(nn.Linear(2, 3), nn.Softplus(beta=2.0), nn.Linear(3, 1)), [2]),
    "refuse-batchnorm": (seq(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 1)), [2]),
}


class Residual(nn.Module):
    """x + f(x): not a chain."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(9)
        self.a = nn.Linear(3, 3)
        self.b = nn.Linear(3, 1)

    def forward(self, x):
        return self.b(torch.relu(self.a(x)) + x)


def export(model, shape, name):
    model.eval()
    x = torch.randn(2, *shape)
    path = OUT / f"{name}.onnx"
    torch.onnx.export(model, x, str(path), opset_version=OPSET, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    return path


def data(shape, outputs, loss, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(SAMPLES, *shape, generator=g, dtype=torch.float64)
    if loss == "cross_entropy":
        t = torch.nn.functional.one_hot(torch.arange(SAMPLES) % outputs, outputs).double()
    elif loss == "binary_cross_entropy":
        t = (torch.arange(SAMPLES) % 2).double().reshape(-1, 1)
    else:
        t = torch.randn(SAMPLES, outputs, generator=g, dtype=torch.float64)
    return x, t


def loss_of(model, x, t, loss):
    y = model(x).reshape(x.shape[0], -1)
    if loss == "mse":
        return torch.nn.functional.mse_loss(y, t)
    if loss == "binary_cross_entropy":
        return torch.nn.functional.binary_cross_entropy(y, t)
    logp = y if isinstance(model[-1], nn.LogSoftmax) else torch.log(y)
    return -(t * logp).sum(dim=1).mean()


def reference(model, shape, loss, seed):
    """Gradients and 5 SGD steps in float64, on the float32 weights the file holds."""
    model = model.double()
    linears = [m for m in model if isinstance(m, nn.Linear)]
    for m in linears:
        if m.bias is None:  # the imported layer gets a zero bias, trained like any other
            m.bias = nn.Parameter(torch.zeros(m.out_features, dtype=torch.float64))
    outputs = linears[-1].out_features
    x, t = data(shape, outputs, loss, seed)
    model.zero_grad()
    value = loss_of(model, x, t, loss)
    value.backward()
    grads = [{"weights": m.weight.grad.tolist(),
              "bias": (m.bias.grad if m.bias is not None else torch.zeros(m.out_features, dtype=torch.float64)).tolist()}
             for m in linears]
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    losses = []
    for _ in range(5):
        opt.zero_grad()
        v = loss_of(model, x, t, loss)
        losses.append(v.item())
        v.backward()
        opt.step()
    final = [{"weights": m.weight.tolist(),
              "bias": (m.bias if m.bias is not None else torch.zeros(m.out_features)).tolist()} for m in linears]
    return {"loss": loss, "inputs": x.reshape(SAMPLES, -1).tolist(), "targets": t.tolist(), "value": value.item(),
            "gradients": grads, "sgd": {"learningRate": 0.1, "losses": losses, "final": final}}


def f32(name, array):
    return numpy_helper.from_array(array.astype("float32"), name)


def hand_built():
    """Shapes other producers emit, and malformed models, built with onnx.helper."""
    import numpy as np
    rng = np.random.default_rng(3)
    w1, b1, w2, b2 = rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal((4, 2)), rng.standard_normal(2)
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])
    models = {}

    def model(nodes, inits, opset=OPSET, inputs=(x,), outputs=(y,)):
        g = helper.make_graph(nodes, "g", list(inputs), list(outputs), inits)
        return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="hand-built")

    # Keras via tf2onnx: MatMul on [in, out] kernels, then Add, with a Reshape of the input
    shape = numpy_helper.from_array(np.array([-1, 3], dtype=np.int64), "shape")
    models["hand-keras-matmul-add"] = model([
        helper.make_node("Reshape", ["x", "shape"], ["r"]),
        helper.make_node("MatMul", ["r", "k1"], ["m1"]), helper.make_node("Add", ["m1", "b1"], ["z1"]),
        helper.make_node("Relu", ["z1"], ["a1"]),
        helper.make_node("MatMul", ["a1", "k2"], ["m2"]), helper.make_node("Add", ["b2", "m2"], ["y"])],
        [shape, f32("k1", w1), f32("b1", b1), f32("k2", w2), f32("b2", b2)])
    # newer exporters: opset 20 Gelu, Gemm with transB=0 and alpha/beta, weights as Constant nodes, float64 typed fields
    c = helper.make_tensor("w2c", TensorProto.DOUBLE, [4, 2], w2.flatten().tolist())
    models["hand-opset20-gelu"] = model([
        helper.make_node("Gemm", ["x", "w1", "b1"], ["z1"], transB=0, alpha=2.0, beta=0.5),
        helper.make_node("Gelu", ["z1"], ["a1"]),
        helper.make_node("Constant", [], ["w2"], value=c),
        helper.make_node("MatMul", ["a1", "w2"], ["y"])],
        [f32("w1", w1), f32("b1", b1)], opset=20)
    models["hand-gelu-tanh"] = model([
        helper.make_node("Gemm", ["x", "w1", "b1"], ["z1"], transB=1),
        helper.make_node("Gelu", ["z1"], ["y"], approximate="tanh")],
        [f32("w1", w1.T.copy()), f32("b1", b1)], opset=20,
        outputs=(helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4]),))
    # Dropout and Identity nodes (inference-only) between the layers, as some exporters keep them
    models["hand-dropout-identity"] = model([
        helper.make_node("Gemm", ["x", "w1", "b1"], ["z1"], transB=1),
        helper.make_node("Dropout", ["z1"], ["d1"]), helper.make_node("Relu", ["d1"], ["a1"]),
        helper.make_node("Identity", ["a1"], ["i1"]),
        helper.make_node("MatMul", ["i1", "k2"], ["y"])],
        [f32("w1", w1.T.copy()), f32("b1", b1), f32("k2", w2)])
    ext = f32("w1", w1.T.copy())
    ext.ClearField("raw_data")
    ext.data_location = TensorProto.EXTERNAL
    ext.external_data.add(key="location", value="weights.bin")
    models["hand-external-data"] = model([helper.make_node("Gemm", ["x", "w1"], ["y"], transB=1)], [ext],
                                         outputs=(helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4]),))
    models["hand-cycle"] = model([
        helper.make_node("Gemm", ["x", "w1", "b1"], ["z1"], transB=1),
        helper.make_node("Add", ["z1", "y"], ["s"]),
        helper.make_node("Relu", ["s"], ["y"])],
        [f32("w1", w1.T.copy()), f32("b1", b1)])
    for name, m in models.items():
        onnx.save_model(m, str(OUT / f"{name}.onnx"))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for i, (name, (model, shape, loss)) in enumerate(EXPORTED.items()):
        export(Lift3d(model) if name == "matmul-add-3d" else model, shape, name)
        ref = reference(model, shape if name != "matmul-add-3d" else [3], loss, 100 + i)
        (OUT / f"{name}.expected.json").write_text(json.dumps(ref, indent=1) + "\n")
    for name, (model, shape) in REFUSED_EXPORTS.items():
        export(model, shape, name)
    export(Residual(), [3], "refuse-residual")
    hand_built()
    for p in sorted(OUT.glob("*.onnx")):
        m = onnx.load(str(p), load_external_data=False)
        print(p.name, p.stat().st_size, [n.op_type for n in m.graph.node], file=sys.stderr)


if __name__ == "__main__":
    main()
