/**
 * The data, loss and training sections of the exported PyTorch script: the samples (embedded or read
 * from the CSV) with the file's normalisation, the matching torch loss, and the optimizer loop.
 */
import { ExportModel } from './exportModel';

/** Where the script's data and weights come from. */
export interface ScriptSources {
  /** Samples to embed (as loaded, before normalisation; targets one-hot where the file gives classes). */
  readonly rows?: { readonly inputs: readonly number[][]; readonly targets: readonly number[][] };
  /** A CSV to read instead: path relative to the script, target columns, class count for index targets. */
  readonly csv?: { readonly path: string; readonly targets: readonly string[]; readonly classes?: number };
  /** The sidecar's file name (beside the script), when the weights are not literals. */
  readonly sidecar?: string;
}

/** Whether the loss takes the softmax's logits (CrossEntropyLoss), so the Sequential ends before it. */
export function dropsSoftmax(model: ExportModel): boolean {
  return model.loss === 'cross_entropy' && model.layers[model.layers.length - 1].activation.type === 'softmax';
}

/** A float as Python reads it back exactly (shortest round-trip decimal). */
export function py(v: number): string {
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

/** Values as a Python list. */
export function pyList(values: ArrayLike<number>): string {
  return `[${Array.from(values, py).join(', ')}]`;
}

/** Rows as a Python list of lists, one row a line. */
export function pyRows(rows: readonly (readonly number[])[], indent: string): string {
  return `[\n${rows.map((r) => `${indent}    ${pyList(r)},`).join('\n')}\n${indent}]`;
}

/** INPUTS and TARGETS, normalised as the file asks. */
export function dataSection(model: ExportModel, sources: ScriptSources): string {
  const parts: string[] = [];
  if (sources.csv) {
    const { path, targets, classes } = sources.csv;
    parts.push(`def read_csv(path, targets, classes=None):
    """Header row; the target columns in the order given, every other column an input (file order)."""
    import csv
    with open(path, newline="") as f:
        rows = [row for row in csv.reader(f) if row]
    header = [name.strip() for name in rows[0]]
    t_cols = [header.index(name) for name in targets]
    x_cols = [i for i in range(len(header)) if i not in t_cols]
    x = torch.tensor([[float(row[i]) for i in x_cols] for row in rows[1:]])
    t = torch.tensor([[float(row[i]) for i in t_cols] for row in rows[1:]])
    if classes:
        t = nn.functional.one_hot(t[:, 0].long(), classes).double()
    return x, t


INPUTS, TARGETS = read_csv(HERE / ${JSON.stringify(path)}, ${JSON.stringify(targets)}${classes ? `, ${classes}` : ''})`);
  } else {
    const rows = sources.rows ?? { inputs: [], targets: [] };
    parts.push(
      `INPUTS = torch.tensor(${pyRows(rows.inputs, '')})\nTARGETS = torch.tensor(${pyRows(rows.targets, '')})`,
    );
  }
  if (model.normalize === 'standard')
    parts.push(`# data.normalize = "standard": each input feature becomes (x - mean) / std over the samples (population std)
mean, std = INPUTS.mean(0), INPUTS.std(0, unbiased=False)
INPUTS = (INPUTS - mean) / torch.where(std > 0, std, torch.ones_like(std))`);
  if (model.normalize === 'minmax')
    parts.push(`# data.normalize = "minmax": each input feature becomes (x - min) / (max - min), into [0, 1]
low, high = INPUTS.min(0).values, INPUTS.max(0).values
INPUTS = (INPUTS - low) / torch.where(high > low, high - low, torch.ones_like(high))`);
  return parts.join('\n');
}

/** loss_fn(y, t), as our loss computes it. */
export function lossSection(model: ExportModel): string {
  switch (model.loss) {
    case 'mse':
      return 'loss_fn = nn.MSELoss()  # mean over every element';
    case 'half_sse':
      return 'def loss_fn(y, t):\n    """Half the summed squared error per sample, averaged over the batch."""\n    return 0.5 * ((y - t) ** 2).sum() / y.shape[0]';
    case 'binary_cross_entropy':
      return 'loss_fn = nn.BCELoss()';
    case 'cross_entropy':
      return dropsSoftmax(model)
        ? "# the file's final softmax is folded into CrossEntropyLoss, which takes logits (and probability targets)\nloss_fn = nn.CrossEntropyLoss()"
        : 'def loss_fn(y, t):\n    return -(t * torch.log(y)).sum(dim=1).mean()';
  }
}

/** gradients(), the minibatch loop with the file's optimizer and clipping, and the command line. */
export function trainingSection(model: ExportModel): string {
  const t = model.settings;
  const optimizer =
    t.optimizer === 'adam'
      ? `torch.optim.Adam(model.parameters(), lr=${py(t.learningRate)})`
      : `torch.optim.SGD(model.parameters(), lr=${py(t.learningRate)}${t.optimizer === 'momentum' ? `, momentum=${py(t.momentum)}` : ''})`;
  const clip = !t.clip
    ? ''
    : 'norm' in t.clip
      ? `\n        nn.utils.clip_grad_norm_(model.parameters(), ${py(t.clip.norm)})`
      : `\n        nn.utils.clip_grad_value_(model.parameters(), ${py(t.clip.value)})`;
  return `def gradients():
    """Full-batch loss and the gradient of every parameter (state-dict keys), as our analysis computes them."""
    model.zero_grad()
    loss = loss_fn(model(INPUTS), TARGETS)
    loss.backward()
    return {"loss": loss.item(), "gradients": {k: p.grad.tolist() for k, p in model.named_parameters()}}


def batches(samples, size, shuffle):
    """Minibatch indices: consecutive slices in data order (cycling), or a fresh permutation each pass."""
    while True:
        order = torch.randperm(samples) if shuffle else torch.arange(samples)
        for start in range(0, samples, size):
            yield order[start:start + size]


def train(steps):
    optimizer = ${optimizer}
    batch = batches(INPUTS.shape[0], ${t.batchSize ?? 'INPUTS.shape[0]'}, ${t.shuffle ? 'True' : 'False'})
    for step in range(steps):
        rows = next(batch)
        optimizer.zero_grad()
        loss = loss_fn(model(INPUTS[rows]), TARGETS[rows])
        loss.backward()${clip}
        optimizer.step()
        if step % max(1, steps // 10) == 0 or step == steps - 1:
            print(f"step {step + 1}: loss {loss.item():.6g}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--gradients", action="store_true", help="print loss and gradients as JSON, then exit")
    parser.add_argument("--steps", type=int, default=${t.steps})
    args = parser.parse_args()
    if args.gradients:
        print(json.dumps(gradients()))
    else:
        train(args.steps)`;
}
