"""The log shows the classic failures: vanishing gradients, dead units (module and F.relu), NaN at the right step."""
import math

import torch
from torch import nn
import torch.nn.functional as F

import gdprobe
from conftest import read_log, train


def batches(n, rows, inputs, outputs, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(rows, inputs, generator=g), torch.randn(rows, outputs, generator=g)) for _ in range(n)]


def test_deep_sigmoid_mlp_logs_vanishing_statistics(tmp_path):
    torch.manual_seed(0)
    mods = []
    for k in range(10):
        mods += [nn.Linear(16 if k else 4, 16), nn.Sigmoid()]
    model = nn.Sequential(*mods, nn.Linear(16, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    probe = gdprobe.attach(model, opt, path=str(tmp_path / "r.gd.jsonl"), every=1, budget=None)
    train(model, opt, batches(3, 32, 4, 1), nn.MSELoss(), probe)
    probe.close()
    header, records = read_log(tmp_path / "r.gd.jsonl")
    assert len(header["layers"]) == 11 and header["layers"][-1]["activation"] == "linear"
    for r in records:
        g = r["gradNorms"]
        assert g[0] < 1e-4 * g[-1], g  # the gradient shrinks on its way back
        assert all(a < g2 for a, g2 in zip(g[:5], g[1:6]))  # and grows monotonically towards the output
        assert all(d <= 0.25 for d in r["meanAbsDerivatives"][:10])  # σ' ≤ ¼ at every sigmoid
        assert r["updateRatios"][0] < 1e-5 < r["updateRatios"][-1]


def relu_mlp(functional: bool):
    """4 → 8 → 8 → 1, with the first layer's biases so negative that most of its units are dead."""

    class Functional(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2, self.fc3 = nn.Linear(4, 8), nn.Linear(8, 8), nn.Linear(8, 1)

        def forward(self, x):
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

    torch.manual_seed(5)
    model = (
        Functional()
        if functional
        else nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1))
    )
    first = model.fc1 if functional else model[0]
    with torch.no_grad():
        first.bias.copy_(torch.tensor([-50.0] * 6 + [0.5, 0.5]))
    return model


def run_relu(tmp_path, functional):
    model = relu_mlp(functional)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    path = tmp_path / f"r{int(functional)}.gd.jsonl"
    probe = gdprobe.attach(model, opt, path=str(path), every=1, budget=None)
    train(model, opt, batches(3, 16, 4, 1, seed=1), nn.MSELoss(), probe)
    probe.close()
    return read_log(path)


def test_relu_mlp_with_negative_biases_logs_dead_units(tmp_path):
    header, records = run_relu(tmp_path, functional=False)
    assert [l["activation"] for l in header["layers"]] == ["relu", "relu", "linear"]
    for r in records:
        assert r["deadFractions"][0] == 6 / 8
        assert r["activationPercentiles"][0][:3] == [0.0, 0.0, 0.0]  # p5…p50 of a mostly dead layer


def test_functional_relu_is_observed_through_the_next_linear(tmp_path):
    module_header, module_records = run_relu(tmp_path, functional=False)
    header, records = run_relu(tmp_path, functional=True)
    assert [l["activation"] for l in header["layers"]] == ["unknown", "unknown", "linear"]
    assert [l["observedThrough"] for l in header["layers"]][:2] == ["input of the next layer"] * 2
    assert [u["module"] for u in header["unobserved"]] == ["fc1", "fc2"]
    assert "fc2" in header["unobserved"][0]["reason"]
    for r, m in zip(records, module_records):
        assert r["deadFractions"] == m["deadFractions"]  # a dead unit is a column of zeros
        assert r["activationPercentiles"] == m["activationPercentiles"]
        assert r["gradNorms"] == m["gradNorms"]
        assert math.isnan(r["meanAbsDerivatives"][0])  # f'(z) of a function is not observable


def test_diverging_learning_rate_logs_non_finite_at_the_right_step(tmp_path):
    data = batches(40, 16, 4, 1, seed=2)

    def model_and_opt():
        torch.manual_seed(7)
        model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
        return model, torch.optim.SGD(model.parameters(), lr=3.0, momentum=0.9)

    # reference run without the probe: the first step whose loss or gradients are not finite
    model, opt = model_and_opt()
    first = None
    for k, (x, y) in enumerate(data):
        loss = F.mse_loss(model(x), y)
        loss.backward()
        grads_bad = any(not torch.isfinite(p.grad).all() for p in model.parameters())
        if first is None and (not math.isfinite(loss.item()) or grads_bad):
            first = k
        opt.step()
        opt.zero_grad()
    assert first is not None and first > 0

    model, opt = model_and_opt()
    probe = gdprobe.attach(model, opt, path=str(tmp_path / "r.gd.jsonl"), every=1, budget=None)
    train(model, opt, data, nn.MSELoss(), probe)
    probe.close()
    _, records = read_log(tmp_path / "r.gd.jsonl")

    def bad(r):
        nf = r["nonFinite"]
        return nf["loss"] or any(nf["gradients"]) or any(nf["activations"])

    logged_first = next(r["step"] for r in records if bad(r))
    assert logged_first == first
    r = records[first]
    assert not math.isfinite(r["loss"]) or not all(math.isfinite(g) for g in r["gradNorms"])
    assert not bad(records[first - 1])
