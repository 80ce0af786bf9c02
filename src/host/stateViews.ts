/** The parts of a DocumentState built from core data: the network's shape (with formulas) and positioned problems. */
import { NetworkSpec, SpecProblem } from '../core/format/spec';
import { getActivation } from '../core/nn/activations';
import { ProblemView, ShapeView } from '../shared/protocol';

/** Units per layer for the diagram, each layer with its activation's f(z) and f'(z) as the file configures them. */
export function shapeView(spec: NetworkSpec): ShapeView {
  return {
    input: spec.input,
    layers: spec.layers.map((l) => {
      const { formula, derFormula } = getActivation(l.activation);
      return { name: l.name, units: l.units, activation: l.activation.type, formula, derFormula };
    }),
  };
}

/** A validation problem at its start position, for the webviews. */
export function problemView(p: SpecProblem): ProblemView {
  return { message: p.message, path: p.path.join('.'), line: p.start.line, character: p.start.character };
}
