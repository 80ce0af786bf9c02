/**
 * The model importers' entry points: ONNX or safetensors bytes → `*.net.json` text, or one clear
 * message saying why not. Pure: bytes in, text out.
 */
import { parseNetworkText } from '../format/parse';
import { decodeOnnx } from './onnxModel';
import { graphView } from './onnxGraph';
import { denseChain } from './onnxChain';
import { ImportOptions, ImportResult, networkText } from './networkText';
import { ModelFormatError } from './protobuf';
import { safetensorsLayers } from './safetensors';

/** An import's outcome: the file text and notes, or the reason it was refused (then nothing else). */
export interface ImportOutcome {
  readonly text?: string;
  readonly notes?: readonly string[];
  readonly error?: string;
}

/** Imports an ONNX model (a chain of dense layers). */
export function importOnnx(bytes: Uint8Array, options: ImportOptions = {}): ImportOutcome {
  return refusing(() => {
    const model = decodeOnnx(bytes);
    const chain = denseChain(graphView(model));
    const notes = [...chain.notes];
    for (const l of chain.layers)
      if (l.logSoftmax) notes.push(`'${l.name}' ends in LogSoftmax: imported as softmax under cross-entropy`);
    return networkText(chain.input, chain.layers, model.metadata, options, notes);
  });
}

/** Imports a safetensors state dict of an nn.Sequential of Linear layers. */
export function importSafetensors(bytes: Uint8Array, options: ImportOptions = {}): ImportOutcome {
  return refusing(() => {
    const { layers, metadata, notes } = safetensorsLayers(bytes, options.activations);
    return networkText(layers[0].inputs, layers, metadata, options, notes);
  });
}

/** Runs an import, turning a refusal into its message (any other error is a bug and propagates). */
function refusing(run: () => ImportResult): ImportOutcome {
  try {
    const result = run();
    const invalid = parseNetworkText(result.text).problems.find((p) => p.severity === 'error');
    if (invalid) return { error: `the imported network is not valid: ${invalid.path.join('.')}: ${invalid.message}` };
    return result;
  } catch (e) {
    if (e instanceof ModelFormatError) return { error: e.message };
    throw e;
  }
}
