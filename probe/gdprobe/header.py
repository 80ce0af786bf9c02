"""The log's header line: what was observed (modules, layers, what could not be seen and why), and how
(optimizer and its hyper-parameters, loss, batch size per rank, world size and strategy, torch, every)."""
import datetime

import torch

from .layers import parameter_count, unwrap
from .stats import BINS_PER_DECADE, LOG10_MAX, LOG10_MIN, PERCENTILES
from .writer import FORMAT, FORMAT_VERSION

#: How the update ratio is computed, per optimizer kind.
UPDATE_RATIO_RULE = {
    "sgd": "‖ΔW‖/‖W‖ of the coming SGD step, from its momentum buffer and weight decay",
    "adam": "‖ΔW‖/‖W‖ of the coming Adam step, from its moments and bias corrections",
    "adamw": "‖ΔW‖/‖W‖ of the coming AdamW step, from its moments, bias corrections and decoupled decay",
    "other": "lr·‖∇W‖/‖W‖ (this optimizer's own step is not modelled)",
}


def strategy_of(model, world: int) -> str:
    """"fsdp" when any module or parameter is sharded, "ddp" for several ranks otherwise, else "single"."""
    for m in model.modules():
        name = type(m).__name__
        if name == "FullyShardedDataParallel" or (name.startswith("FSDP") and name != "FSDP"):
            return "fsdp"
    if any(type(p).__name__ == "DTensor" for p in model.parameters()):
        return "fsdp"
    return "ddp" if world > 1 else "single"


def default_budget(every: int, model) -> float:
    """The overhead targets: 3% of step time at every ≥ 10; at smaller every, 10% on a GPU and 15% on CPU."""
    if every >= 10:
        return 0.03
    on_gpu = any(p.is_cuda for p in model.parameters())
    return 0.10 if on_gpu else 0.15


def _plain(value):
    if torch.is_tensor(value) and value.numel() == 1:
        return value.item()
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, (bool, int, float)) for v in value):
        return list(value)
    return None


def learning_rate(optimizer) -> float:
    """The first param group's learning rate (NaN without an optimizer)."""
    if optimizer is None or not optimizer.param_groups:
        return float("nan")
    return float(_plain(optimizer.param_groups[0].get("lr", float("nan"))))


def optimizer_facts(optimizer) -> dict:
    """The optimizer's class and its first param group's hyper-parameters."""
    if optimizer is None:
        return {"type": None, "hyperParameters": {}}
    group = optimizer.param_groups[0]
    hyper = {k: _plain(v) for k, v in group.items() if k != "params" and _plain(v) is not None}
    return {"type": type(optimizer).__name__, "hyperParameters": hyper, "paramGroups": len(optimizer.param_groups)}


def build(probe) -> dict:
    """The header of `probe`'s log."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "torch": torch.__version__,
        "model": type(unwrap(probe.model)).__name__,
        "every": probe.initial_every,
        "everyChanges": probe.every_changes,
        "budget": probe.budget,
        "strategy": probe.strategy,
        "worldSize": probe.world,
        "perRank": probe.per_rank,
        **({"rank": probe.rank} if probe.per_rank else {}),
        "optimizer": optimizer_facts(probe.optimizer),
        "updateRatio": UPDATE_RATIO_RULE[probe.kind],
        "exactUpdateRatios": probe.exact_update,
        "loss": probe.loss_name,
        "batchSizePerRank": probe.batch_size,
        "modules": [{"name": n, "type": type(m).__name__, "parameters": parameter_count(m)} for n, m in probe.modules],
        "layers": [
            {
                "name": l.name,
                "type": type(l.module).__name__,
                "activation": l.activation,
                "units": s.units,
                "inputs": l.inputs,
                "parameters": parameter_count(l.module),
                "observedThrough": _observed_through(l),
            }
            for l, s in zip(probe.layers, probe.stats)
        ],
        "unobserved": probe.unobserved,
        "percentiles": list(PERCENTILES),
        "histogram": {"binsPerDecade": BINS_PER_DECADE, "log10Min": LOG10_MIN, "log10Max": LOG10_MAX},
    }


def _observed_through(layer) -> str:
    if layer.activation_module is not None:
        return "activation module output"
    if layer.next_module is not None:
        return "input of the next layer"
    return "layer output"
