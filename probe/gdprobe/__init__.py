"""gdprobe: per-layer gradient and activation health of real PyTorch runs (torch.distributed included),
streamed as JSON Lines that Gradient Debugger's panel, warnings and CLI (`gradient-debugger diagnose`) read.

    probe = gdprobe.attach(model, optimizer, path="runs/exp1.gd.jsonl", every=10)
    for x, y in loader:
        loss = loss_fn(model(x), y)
        loss.backward()
        probe.observe(loss)          # after backward, before the optimizer step; on every rank
        optimizer.step(); optimizer.zero_grad()
    probe.close()
"""
from .export import ExportError, export
from .probe import Probe
from .writer import FORMAT, FORMAT_VERSION

__version__ = "0.1.0"


def attach(model, optimizer=None, path: str = "run.gd.jsonl", every: int = 10, **options) -> Probe:
    """Registers the probe's hooks on `model` (before any torch.compile) and returns it; see Probe for options:
    loss, batch_size, per_rank, exact_update, budget ("auto", a fraction, or None), activations."""
    return Probe(model, optimizer, path=path, every=every, **options)


__all__ = ["attach", "export", "ExportError", "Probe", "FORMAT", "FORMAT_VERSION", "__version__"]
