"""The logged statistics equal ones computed by hand on tiny float64 models."""
import math
import os
import subprocess
import sys

import pytest
import torch
from torch import nn

import gdprobe
from gdprobe.stats import HISTOGRAM_VALUES, PERCENTILES, bucket_of, sample_stride
from conftest import close, read_log, train


def tiny():
    """2 → 3 (ReLU) → 2 (Sigmoid) with chosen weights: unit 2 of the first layer is dead on the data below."""
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 2), nn.Sigmoid())
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([[1.0, -2.0], [0.5, 0.25], [-1.0, -1.0]]))
        model[0].bias.copy_(torch.tensor([0.1, -0.2, -3.0]))
        model[2].weight.copy_(torch.tensor([[2.0, -1.0, 0.5], [9.0, 8.0, 0.0]]))
        model[2].bias.copy_(torch.tensor([0.0, 7.0]))
    return model


X = torch.tensor([[1.0, 0.5], [-0.5, 2.0], [2.0, 1.0], [0.25, -1.0]], dtype=torch.float64)
T = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]], dtype=torch.float64)


def by_hand(model, x, t, lr):
    """Forward and backward of the MSE loss written out with the chain rule."""
    W1, b1, W2, b2 = (p.detach().clone() for p in (model[0].weight, model[0].bias, model[2].weight, model[2].bias))
    z1 = x @ W1.T + b1
    a1 = torch.clamp(z1, min=0)
    z2 = a1 @ W2.T + b2
    a2 = 1 / (1 + torch.exp(-z2))
    n = t.numel()
    loss = ((a2 - t) ** 2).sum() / n
    dz2 = 2 * (a2 - t) / n * a2 * (1 - a2)
    dW2, db2 = dz2.T @ a1, dz2.sum(0)
    dz1 = (dz2 @ W2) * (z1 > 0)
    dW1, db1 = dz1.T @ x, dz1.sum(0)
    d2 = a2 * (1 - a2)
    return {
        "loss": loss.item(),
        "gradNorms": [dW1.norm().item(), dW2.norm().item()],
        "biasGradNorms": [db1.norm().item(), db2.norm().item()],
        "weightNorms": [W1.norm().item(), W2.norm().item()],
        "updateRatios": [lr * dW1.norm().item() / W1.norm().item(), lr * dW2.norm().item() / W2.norm().item()],
        "deadFractions": [sum(bool((z1[:, j] <= 0).all()) for j in range(3)) / 3, 0.0],
        "saturatedFractions": [0.0, sum(int((d2[:, j] < 0.0025).sum()) >= 0.95 * 4 for j in range(2)) / 2],
        "meanAbsDerivatives": [(z1 > 0).double().mean().item(), d2.mean().item()],
        "activations": [a1.flatten().sort().values.tolist(), a2.flatten().sort().values.tolist()],
    }


def test_statistics_equal_hand_computed_ones(tmp_path):
    model = tiny()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    expected = by_hand(model, X, T, 0.5)
    probe = gdprobe.attach(model, opt, path=str(tmp_path / "r.gd.jsonl"), every=1, budget=None)
    train(model, opt, [(X, T)], nn.MSELoss(), probe)
    probe.close()
    header, [r] = read_log(tmp_path / "r.gd.jsonl")
    assert r["step"] == 0
    for key in ("loss", "gradNorms", "biasGradNorms", "weightNorms", "updateRatios", "meanAbsDerivatives"):
        assert close(r[key], expected[key]), (key, r[key], expected[key])
    assert r["deadFractions"] == pytest.approx(expected["deadFractions"], abs=0)
    assert r["deadFractions"][0] == pytest.approx(1 / 3)
    assert r["saturatedFractions"] == expected["saturatedFractions"] == [0.0, 0.5]
    for got, values in zip(r["activationPercentiles"], expected["activations"]):
        for p, v in zip(PERCENTILES, got):
            exact = values[round(p / 100 * (len(values) - 1))]
            assert bucket_of(v) == bucket_of(exact), (p, v, exact)
    assert r["nonFinite"] == {"loss": False, "activations": [False, False], "gradients": [False, False]}
    assert [l["activation"] for l in header["layers"]] == ["relu", "sigmoid"]
    assert header["batchSizePerRank"] == 4 and header["strategy"] == "single" and header["worldSize"] == 1


@pytest.mark.parametrize(
    "make",
    [
        lambda p: torch.optim.SGD(p, lr=0.05),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, weight_decay=1e-3),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
        lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=1e-2),
        lambda p: torch.optim.AdamW(p, lr=0.01, amsgrad=True),
    ],
    ids=["sgd", "momentum+decay", "nesterov", "adam+l2", "adamw+amsgrad"],
)
def test_update_ratio_from_optimizer_state_equals_the_exact_step(tmp_path, make):
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    opt = make(model.parameters())
    probe = gdprobe.attach(model, opt, path=str(tmp_path / "r.gd.jsonl"), every=1, budget=None, exact_update=True)
    batches = [(torch.randn(6, 3), torch.randn(6, 2)) for _ in range(4)]
    train(model, opt, batches, nn.MSELoss(), probe)
    probe.close()
    _, records = read_log(tmp_path / "r.gd.jsonl")
    assert [r["step"] for r in records] == [0, 1, 2, 3]
    for r in records:
        assert close(r["updateRatios"], r["exactUpdateRatios"], rel=1e-9), (r["updateRatios"], r["exactUpdateRatios"])


def test_only_every_nth_step_is_logged_and_steps_count_optimizer_steps(tmp_path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    probe = gdprobe.attach(model, opt, path=str(tmp_path / "r.gd.jsonl"), every=3, budget=None)
    train(model, opt, [(torch.randn(8, 2), torch.randn(8, 1)) for _ in range(8)], nn.MSELoss(), probe)
    probe.close()
    header, records = read_log(tmp_path / "r.gd.jsonl")
    assert [r["step"] for r in records] == [0, 3, 6]
    assert header["every"] == 3 and header["everyChanges"] == []


def test_gradient_accumulation_logs_only_the_syncing_step_over_all_micro_batches(tmp_path):
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    probe = gdprobe.attach(model, opt, path=str(tmp_path / "r.gd.jsonl"), every=1, budget=None)
    micro = [(torch.randn(3, 2), torch.randn(3, 1)) for _ in range(2)]
    losses = []
    for i, (x, y) in enumerate(micro):
        loss = nn.functional.mse_loss(model(x), y) / 2
        loss.backward()
        losses.append(loss.item())
        probe.observe(loss, sync=i == 1)
    # the same statistics, read directly from the whole batch
    x = torch.cat([m[0] for m in micro])
    z = model[0](x).detach()
    opt.step()
    probe.close()
    _, records = read_log(tmp_path / "r.gd.jsonl")
    assert len(records) == 1 and records[0]["step"] == 0
    assert close(records[0]["loss"], sum(losses) / 2)
    assert close(records[0]["meanAbsDerivatives"][0], (z > 0).double().mean().item())
    assert records[0]["deadFractions"][0] == sum(bool((z[:, j] <= 0).all()) for j in range(4)) / 4


def test_over_budget_doubles_every_and_the_header_records_it(tmp_path):
    torch.manual_seed(2)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    path = tmp_path / "r.gd.jsonl"
    probe = gdprobe.attach(model, opt, path=str(path), every=1, budget=1e-12)  # any overhead is over budget
    train(model, opt, [(torch.randn(4, 2), torch.randn(4, 1)) for _ in range(40)], nn.MSELoss(), probe)
    probe.close()
    header, records = read_log(path)
    assert header["every"] == 1 and len(header["everyChanges"]) >= 1
    change = header["everyChanges"][0]
    assert change["every"] == 2
    after = [r["step"] for r in records if r["step"] > change["step"]]
    assert after and all(s % 2 == 0 for s in after)
    assert len(records) < 40


def test_a_model_without_layers_is_refused_clearly():
    with pytest.raises(ValueError, match="no parameterised module"):
        gdprobe.attach(nn.Sequential(nn.ReLU()), None, path="unused.gd.jsonl")


def test_hooks_never_copy_to_the_host(tmp_path, monkeypatch):
    model = tiny()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    probe = gdprobe.attach(model, opt, path=str(tmp_path / "r.gd.jsonl"), every=1, budget=None)
    calls = []
    for name in ("item", "tolist", "cpu"):
        original = getattr(torch.Tensor, name)
        monkeypatch.setattr(
            torch.Tensor, name, lambda self, *a, _o=original, _n=name, **k: (calls.append(_n), _o(self, *a, **k))[1]
        )
    out = model(X)  # forward hooks run here
    assert calls == []
    loss = nn.functional.mse_loss(out, T)
    loss.backward()
    probe.observe(loss)  # the logged step: exactly one host copy
    assert calls.count("cpu") == 1 and "item" not in calls
    monkeypatch.undo()
    probe.close()
    assert math.isfinite(read_log(tmp_path / "r.gd.jsonl")[1][0]["loss"])


@pytest.mark.parametrize(
    "activation",
    [nn.ReLU(), nn.LeakyReLU(0.2), nn.ELU(0.7), nn.GELU(), nn.GELU(approximate="tanh"), nn.SiLU(), nn.Sigmoid(),
     nn.Tanh(), nn.Softplus(beta=2.0)],
    ids=lambda m: repr(m),
)
def test_mean_abs_derivative_equals_autograd_for_every_activation(tmp_path, activation):
    torch.manual_seed(5)
    model = nn.Sequential(nn.Linear(3, 6), activation, nn.Linear(6, 2))
    x, t = torch.randn(7, 3) * 3, torch.randn(7, 2)
    z = model[0](x).detach().requires_grad_(True)
    (derivative,) = torch.autograd.grad(activation(z).sum(), z)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    probe = gdprobe.attach(model, opt, path=str(tmp_path / "r.gd.jsonl"), every=1, budget=None)
    train(model, opt, [(x, t)], nn.MSELoss(), probe)
    probe.close()
    _, [r] = read_log(tmp_path / "r.gd.jsonl")
    assert close(r["meanAbsDerivatives"][0], derivative.abs().mean().item(), rel=1e-12), r["meanAbsDerivatives"]
    assert r["meanAbsDerivatives"][1] == 1.0  # the output layer is an identity
    dying = isinstance(activation, (nn.ReLU, nn.LeakyReLU))
    dead = sum(bool((z[:, j] <= 0).all()) for j in range(6)) / 6 if dying else 0
    assert r["deadFractions"][0] == dead


def test_convolution_units_are_channels(tmp_path):
    torch.manual_seed(6)
    model = nn.Sequential(nn.Conv2d(2, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 3 * 3, 2))
    with torch.no_grad():
        model[0].bias[1] = -50.0  # channel 1 is dead everywhere
    x, t = torch.randn(5, 2, 5, 5), torch.randn(5, 2)
    z = model[0](x).detach()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    probe = gdprobe.attach(model, opt, path=str(tmp_path / "r.gd.jsonl"), every=1, budget=None)
    train(model, opt, [(x, t)], nn.MSELoss(), probe)
    probe.close()
    header, [r] = read_log(tmp_path / "r.gd.jsonl")
    assert header["layers"][0]["units"] == 4
    assert r["deadFractions"][0] == sum(bool((z[:, c] <= 0).all()) for c in range(4)) / 4 >= 0.25
    assert close(r["meanAbsDerivatives"][0], (z > 0).double().mean().item())


def test_update_ratios_with_several_param_groups_and_a_layer_without_bias(tmp_path):
    torch.manual_seed(7)
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 4, bias=False), nn.ReLU(), nn.Linear(4, 2))
    opt = torch.optim.Adam([{"params": model[0].parameters(), "lr": 0.03},
                            {"params": list(model[2].parameters()) + list(model[4].parameters()), "betas": (0.8, 0.9)}],
                           lr=0.01)
    probe = gdprobe.attach(model, opt, path=str(tmp_path / "r.gd.jsonl"), every=1, budget=None, exact_update=True)
    train(model, opt, [(torch.randn(6, 3), torch.randn(6, 2)) for _ in range(3)], nn.MSELoss(), probe)
    probe.close()
    _, records = read_log(tmp_path / "r.gd.jsonl")
    for r in records:
        assert r["biasGradNorms"][1] == 0.0
        assert close(r["updateRatios"], r["exactUpdateRatios"], rel=1e-9), (r["updateRatios"], r["exactUpdateRatios"])


def test_the_histogram_sample_of_a_large_layer_visits_every_unit():
    for values, units in ((256 * 256, 256), (4096 * 4096, 4096), (3 * HISTOGRAM_VALUES, 6), (100, 10)):
        stride = sample_stride(values, units)
        sample = range(0, values, stride)
        assert len(sample) <= HISTOGRAM_VALUES
        assert {i % units for i in sample} == set(range(units)), (values, units, stride)


def test_deferred_lines_as_on_a_gpu_equal_immediate_ones_and_keep_each_steps_learning_rate(tmp_path):
    """On a GPU a logged step's copy is read, and its line written, at the probe's next call: the same lines."""
    runs = {}
    for deferred in (False, True):
        torch.manual_seed(8)
        model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
        schedule = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
        path = tmp_path / f"{deferred}.gd.jsonl"
        probe = gdprobe.attach(model, opt, path=str(path), every=1, budget=None)
        probe.defer_writes = deferred
        for k in range(3):
            loss = nn.functional.mse_loss(model(torch.randn(4, 3)), torch.randn(4, 2))
            loss.backward()
            probe.observe(loss)
            lines = len(read_log(path)[1]) if path.exists() else 0
            assert lines == (k if deferred else k + 1)  # deferred: step k's line waits for the next call
            opt.step()
            opt.zero_grad()
            schedule.step()
        probe.close()
        runs[deferred] = read_log(path)[1]
    assert [r["learningRate"] for r in runs[True]] == [0.1, 0.05, 0.025]
    assert runs[True] == runs[False]


def test_a_run_that_never_closes_the_probe_still_gets_its_last_logged_line(tmp_path):
    path = tmp_path / "crash.gd.jsonl"
    script = f"""
import torch, gdprobe
from torch import nn
model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
probe = gdprobe.attach(model, opt, path={str(path)!r}, every=1, budget=None)
probe.defer_writes = True  # as on a GPU: the line waits for the next call, which never comes
loss = nn.functional.mse_loss(model(torch.randn(4, 3)), torch.randn(4, 1))
loss.backward()
probe.observe(loss)
raise SystemExit(1)  # a crash before probe.close()
"""
    env = {**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(gdprobe.__file__))}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert [r["step"] for r in read_log(path)[1]] == [0]


class LocalPartParameter(nn.Parameter):
    """A parameter with `to_local()`, as fully_shard's DTensor parameters have: its local part is a new tensor over
    the same data, which carries no `.grad` (the gradient hangs on the parameter itself)."""

    def to_local(self):
        return self.detach()


def test_gradients_of_parameters_with_a_local_part_are_read_from_the_parameter(tmp_path):
    """Found on torch 2.11 with fully_shard: every ‖∇W‖ was logged as 0, read from the local part's missing grad."""
    batches = [(X, T)] * 2
    plain, shard_like = tiny(), tiny()
    for module in (shard_like[0], shard_like[2]):
        for name in ("weight", "bias"):
            setattr(module, name, LocalPartParameter(getattr(module, name).detach().clone()))
    logs = []
    for name, model in (("plain", plain), ("local", shard_like)):
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        probe = gdprobe.attach(model, opt, path=str(tmp_path / f"{name}.gd.jsonl"), every=1, budget=None)
        train(model, opt, batches, nn.MSELoss(), probe)
        probe.close()
        logs.append(read_log(tmp_path / f"{name}.gd.jsonl")[1])
    for p, s in zip(*logs):
        assert min(p["gradNorms"]) > 0
        for key in ("gradNorms", "biasGradNorms", "weightNorms", "updateRatios"):
            assert close(s[key], p[key], rel=1e-12), (key, s[key], p[key])
