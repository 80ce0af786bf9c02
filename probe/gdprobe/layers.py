"""Which modules of a model are layers, and which activation each one feeds.

A layer is a parameterised module whose weight has two or more dimensions (Linear, Conv, Embedding),
paired with the activation module that follows it in registration order. An activation applied as a
function inside ``forward`` (``F.relu``) is invisible to module hooks; it is observed through the
input of the next layer, where a dead unit shows as a column of zeros.
"""
from dataclasses import dataclass, field
from typing import List, Optional

import torch
from torch import nn

#: Activation modules the probe understands, with the core's activation id.
ACTIVATION_IDS = (
    (nn.ReLU, "relu"),
    (nn.LeakyReLU, "leaky_relu"),
    (nn.ELU, "elu"),
    (nn.GELU, "gelu"),
    (nn.SiLU, "silu"),
    (nn.Sigmoid, "sigmoid"),
    (nn.Tanh, "tanh"),
    (nn.Softplus, "softplus"),
)

#: Prefixes wrappers insert into module names (DDP, FSDP, activation checkpointing, torch.compile).
WRAPPER_PARTS = ("_fsdp_wrapped_module.", "_checkpoint_wrapped_module.", "_orig_mod.", "module.")


def activation_id(module: nn.Module) -> Optional[str]:
    """The core's id of an activation module ("relu", ...), or None when it is not one."""
    for cls, name in ACTIVATION_IDS:
        if isinstance(module, cls):
            return name
    return None


def clean_name(name: str) -> str:
    """A module name without the parts that wrappers insert."""
    for part in WRAPPER_PARTS:
        name = name.replace(part, "")
    return name


def unwrap(model: nn.Module) -> nn.Module:
    """The user's model inside a DDP (or similar ``.module``) wrapper."""
    while isinstance(model, nn.parallel.DistributedDataParallel) or type(model).__name__ == "DataParallel":
        model = model.module
    return model


def _weight(module: nn.Module) -> Optional[torch.Tensor]:
    w = module._parameters.get("weight")
    return w if isinstance(w, torch.Tensor) else None


def _is_layer(module: nn.Module) -> bool:
    w = _weight(module)
    if w is None:
        return False
    if w.dim() >= 2:
        return True
    # FSDP flattens sharded parameters to 1-D: recognise the layer by its class attributes instead
    return any(hasattr(module, a) for a in ("out_features", "out_channels", "num_embeddings"))


def _units(module: nn.Module) -> int:
    for attr in ("out_features", "out_channels", "embedding_dim"):
        if hasattr(module, attr):
            return int(getattr(module, attr))
    return int(_weight(module).shape[0])


def _inputs(module: nn.Module) -> int:
    for attr in ("in_features", "in_channels", "num_embeddings"):
        if hasattr(module, attr):
            return int(getattr(module, attr))
    w = _weight(module)
    return int(w.shape[1]) if w.dim() >= 2 else 0


def parameter_count(module: nn.Module) -> int:
    """Parameters a module holds itself (not its children), counted before any sharding."""
    return sum(_full_numel(p) for p in module.parameters(recurse=False))


def _full_numel(p: torch.Tensor) -> int:
    shape = getattr(p, "_unpadded_unsharded_size", None) or getattr(p, "_orig_size", None)
    return int(torch.Size(shape).numel()) if shape is not None else p.numel()


@dataclass
class Layer:
    """One parameterised module and where its activation a = f(z) is observed."""

    index: int
    name: str
    module: nn.Module
    units: int
    inputs: int
    #: The core's activation id; "unknown" when applied as a function (observed via the next layer's input).
    activation: str
    #: The activation module, when there is one.
    activation_module: Optional[nn.Module] = None
    #: The module whose input is this layer's activation (functional activations), or None.
    next_module: Optional[nn.Module] = None
    #: The channel dimension of the activation tensor (1 for convolutions, -1 otherwise).
    unit_dim: int = -1
    notes: List[str] = field(default_factory=list)


def _same_sequential(root: nn.Module, a: str, b: str) -> bool:
    """Whether modules named a and b are adjacent children of one nn.Sequential (so nothing runs between them)."""
    pa, _, ia = a.rpartition(".")
    pb, _, ib = b.rpartition(".")
    if pa != pb or not (ia.isdigit() and ib.isdigit()) or int(ib) != int(ia) + 1:
        return False
    parent = root.get_submodule(pa) if pa else root
    return isinstance(parent, nn.Sequential)


def discover(model: nn.Module):
    """The layers of `model` in registration order, the leaf modules, and what cannot be observed."""
    root = unwrap(model)
    leaves = [(n, m) for n, m in root.named_modules() if not list(m.children()) or _is_layer(m)]
    layers: List[Layer] = []
    unobserved = []
    pending: Optional[Layer] = None
    names = {}
    for name, module in leaves:
        if _is_layer(module):
            unit_dim = 1 if isinstance(module, nn.modules.conv._ConvNd) else -1
            layer = Layer(
                len(layers), clean_name(name), module, _units(module), _inputs(module), "unknown", unit_dim=unit_dim
            )
            layers.append(layer)
            names[id(layer)] = name
            pending = layer
        elif activation_id(module) is not None:
            if pending is None:
                unobserved.append({"module": clean_name(name), "reason": "activation with no layer before it"})
                continue
            pending.activation, pending.activation_module, pending = activation_id(module), module, None
        elif module._parameters and any(p is not None for p in module._parameters.values()):
            unobserved.append({"module": clean_name(name), "reason": "1-D parameters (normalisation): not a layer"})
    for k, layer in enumerate(layers):
        if layer.activation_module is not None:
            continue
        if k + 1 < len(layers):
            nxt = layers[k + 1]
            layer.next_module = nxt.module
            if _same_sequential(root, names[id(layer)], names[id(nxt)]):
                layer.activation = "linear"
            else:
                unobserved.append(
                    {
                        "module": layer.name,
                        "reason": f"activation applied as a function in forward: dead units are read as zero "
                        f"columns of the input of '{nxt.name}'; mean |f'(z)| and saturation are not observable",
                    }
                )
        else:
            layer.activation = "linear"
    return layers, [(clean_name(n), m) for n, m in leaves if n], unobserved
