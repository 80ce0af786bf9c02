"""gdprobe.export writes format v1 that Gradient Debugger analyses to PyTorch's own gradients (1e-10)."""
import json
import os
import shutil
import subprocess

import pytest
import torch
from torch import nn

import gdprobe
from conftest import close

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.path.join(ROOT, "dist", "cli.js")
NODE = shutil.which("node")


def analyse(path):
    if not (NODE and os.path.exists(CLI)):
        pytest.skip(f"needs node and {CLI} (npm run build)")
    out = subprocess.run([NODE, CLI, "analyze", "--gradients", "--json", str(path)], capture_output=True, text=True)
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout)


def torch_gradients(model, loss):
    model.zero_grad()
    loss.backward()
    linears = [m for m in model if isinstance(m, nn.Linear)]
    return [(l.weight.grad.tolist(), l.bias.grad.tolist()) for l in linears]


def assert_round_trip(model, path, loss_value):
    expected = torch_gradients(model, loss_value)
    report = analyse(path)
    assert close(report["loss"], loss_value.item(), rel=1e-12)
    for (w, b), got in zip(expected, report["gradients"]):
        assert close(got["weights"], w, rel=1e-10, abs_=1e-15), got["layer"]
        assert close(got["bias"], b, rel=1e-10, abs_=1e-15), got["layer"]


def test_cross_entropy_model_with_class_indices_round_trips(tmp_path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 5), nn.Tanh(), nn.Linear(5, 4), nn.LeakyReLU(0.1), nn.Linear(4, 3))
    x, y = torch.randn(12, 2), torch.randint(0, 3, (12,))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    path = tmp_path / "model.net.json"
    spec = gdprobe.export(model, str(path), inputs=x, targets=y, loss="cross_entropy", optimizer=opt, batch_size=4)
    assert spec["layers"][-1]["activation"] == "softmax"  # CrossEntropyLoss takes logits: softmax appended
    assert spec["layers"][1]["activation"] == {"type": "leaky_relu", "alpha": 0.1}
    assert spec["data"]["targets"] == [[c] for c in y.tolist()]  # class indices, as such
    assert spec["layers"][0]["weights"] == model[0].weight.tolist()  # units × inputs, as nn.Linear.weight
    training = {"optimizer": "momentum", "learningRate": 0.05, "momentum": 0.9, "steps": 100, "batchSize": 4}
    assert spec["training"] == training
    assert_round_trip(model, path, nn.functional.cross_entropy(model(x), y))


def test_mse_and_bce_with_logits_models_round_trip(tmp_path):
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(3, 6), nn.GELU(), nn.Linear(6, 6), nn.ELU(), nn.Linear(6, 2), nn.Sigmoid())
    x, t = torch.randn(9, 3), torch.rand(9, 2)
    path = tmp_path / "mse.net.json"
    opt = torch.optim.Adam(model.parameters())
    gdprobe.export(model, str(path), inputs=x, targets=t, loss=nn.MSELoss(), optimizer=opt)
    assert_round_trip(model, path, nn.functional.mse_loss(model(x), t))

    logits = nn.Sequential(nn.Linear(3, 4), nn.SiLU(), nn.Linear(4, 1))
    t1 = (torch.rand(9, 1) > 0.5).double()
    path = tmp_path / "bce.net.json"
    spec = gdprobe.export(logits, str(path), inputs=x, targets=t1, loss=nn.BCEWithLogitsLoss())
    assert spec["layers"][-1]["activation"] == "sigmoid" and spec["loss"] == "binary_cross_entropy"
    assert_round_trip(logits, path, nn.functional.binary_cross_entropy_with_logits(logits(x), t1))


def test_unsupported_module_gets_a_clear_error_naming_it(tmp_path):
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Linear(3, 1))
    x, t = torch.randn(4, 2), torch.randn(4, 1)
    with pytest.raises(gdprobe.ExportError, match=r"module '1' \(BatchNorm1d\) is not supported"):
        gdprobe.export(model, str(tmp_path / "m.net.json"), inputs=x, targets=t, loss="mse")
    with pytest.raises(gdprobe.ExportError, match="takes logits"):
        gdprobe.export(nn.Sequential(nn.Linear(2, 3), nn.Softplus()), str(tmp_path / "m.net.json"),
                       inputs=torch.randn(4, 2), targets=torch.tensor([0, 1, 2, 0]))
    with pytest.raises(gdprobe.ExportError, match="RMSprop is not supported"):
        m = nn.Sequential(nn.Linear(2, 1))
        gdprobe.export(m, str(tmp_path / "m.net.json"), inputs=torch.randn(4, 2), targets=torch.randn(4, 1),
                       loss="mse", optimizer=torch.optim.RMSprop(m.parameters()))
    assert not (tmp_path / "m.net.json").exists()
