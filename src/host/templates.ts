/** The networks "New Network from Template" offers: bundled examples, each a teaching case. */
export const TEMPLATES = [
  {
    file: 'xor-healthy.net.json',
    label: 'Healthy XOR',
    description: 'tanh + Xavier: what a network that learns looks like',
  },
  {
    file: 'deep-sigmoid-vanishing.net.json',
    label: 'Deep sigmoid stack',
    description: 'vanishing gradients in the early layers',
  },
  { file: 'dead-relu.net.json', label: 'Dead ReLU units', description: 'units with z ≤ 0 for every sample' },
  {
    file: 'exploding-init.net.json',
    label: 'Exploding initialisation',
    description: 'weights far too large for their fan-in',
  },
  {
    file: 'spiral-softmax.net.json',
    label: 'Spiral classifier',
    description: 'ReLU + softmax + cross-entropy on three spiral arms',
  },
  {
    file: 'saturated-tanh.net.json',
    label: 'Saturated tanh',
    description: 'unnormalised inputs drive tanh units flat',
  },
] as const;
