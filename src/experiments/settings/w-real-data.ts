/**
 * Wang et al. (W) §6, Figs. 4 and 6, on real data (W15): a deep fully connected network on two
 * classes of Fashion-MNIST, trained by GD (η = 8·10⁻³), SGD (η = 10⁻³, batch 32, momentum 0.2)
 * and Adam (η = 10⁻³, batch 32), the optimizers and rates the paper gives. The paper trains a
 * small CNN on CIFAR-2; CIFAR is not in the registries this project reaches and the engine has
 * no CNN trainer yet, so the network here is the engine's deep FC network (see W15's note).
 *
 * Two readings of the rates (our loss is L = (1/(2n))‖y − f(X)‖², minibatch (1/(2b))Σ, and our
 * network is in NTK parameterisation, z_l = W_l h_{l−1}/√w_{l−1} with N(0, 1) weights):
 *  - 'asWritten': the printed η on every parameter of our network;
 *  - 'pytorch': the dynamics a PyTorch network in the standard parameterisation (weights
 *    N(0, 1/fan_in), z_l = W_l^SP h_{l−1}) trained on nn.MSELoss (mean, no ½) would have.
 *    With W_l = √w_{l−1}·W_l^SP the two networks are the same function and ∂L/∂W^SP =
 *    √w_{l−1}·∂L/∂W_l, so an SGD step η on W^SP is a step η·w_{l−1} on W_l, and the loss
 *    without ½ doubles it: η_l = 2η·w_{l−1} for GD and SGD (momentum included: it is linear in
 *    the gradients). Adam's step does not depend on the scale of the gradient (up to its ε):
 *    a step η on W^SP is η·√w_{l−1} on W_l, whatever the loss factor. The readout v has fan-in
 *    w_L. (PyTorch's default init has variance 1/(3·fan_in), not 1/fan_in: a constant this
 *    reading does not try to match.)
 *
 * Shapes follow W: X is d×n (columns are samples).
 */
import { activation } from '../../activations';
import { loadFashionMnist } from '../../data/fashion-mnist';
import type { ImageSet } from '../../data/image-set';
import { loadMnist } from '../../data/mnist';
import { type TwoClassDataset, twoClassDataset } from '../../data/two-class';
import { type DeepNet, deepGaussianInit } from '../../model/deep';
import type { Rng } from '../../random';

export type RealDataOptimizer = 'gd' | 'sgd' | 'adam';
export type RealDataReading = 'asWritten' | 'pytorch';

/** The three optimizers of §6 with the paper's rates, batches and momentum. */
export const W_REAL_DATA_OPTIMIZERS: Record<RealDataOptimizer, { eta: number; batch?: number; momentum?: number; name: string }> = {
  gd: { eta: 8e-3, name: 'GD' },
  sgd: { eta: 1e-3, batch: 32, momentum: 0.2, name: 'SGD' },
  adam: { eta: 1e-3, batch: 32, name: 'Adam' },
};

/** The setting W15 runs (and a user may vary): data, network and training length. */
export const W_REAL_DATA = {
  dataset: 'fashion-mnist' as 'fashion-mnist' | 'mnist',
  classA: 'Pullover',
  classB: 'Coat',
  /** k×k average pooling of the 28×28 images: d = (28/k)². */
  pool: 2,
  nTest: 1000,
  /** Hidden layers L and their width w = round(widthOverN·n), the same for every layer. */
  depth: 2,
  widthOverN: 1,
  activation: 'relu',
  epochs: 20,
};

export type WRealDataSetting = typeof W_REAL_DATA;

export interface WRealDataProblem {
  data: TwoClassDataset;
  net: DeepNet;
  /** [d, w_1, …, w_L]. */
  widths: number[];
}

// One load per process and data set (Fashion-MNIST takes about 0.4 s to gunzip; the jobs of a
// worker share it). Keyed by the folder variable too, so a test that points it elsewhere reloads.
const loaded = new Map<string, ImageSet | { train: ImageSet; test: ImageSet }>();
function images(dataset: WRealDataSetting['dataset']): ImageSet | { train: ImageSet; test: ImageSet } {
  const key = `${dataset}:${process.env.NTKV_FASHION_MNIST_DIR ?? ''}`;
  let set = loaded.get(key);
  if (!set) {
    set = dataset === 'mnist' ? loadMnist() : loadFashionMnist();
    loaded.set(key, set);
  }
  return set;
}

/** Two classes (n training points, balanced; nTest test points) and a deep network at initialisation. */
export function wRealDataProblem(rng: Rng, n: number, s: WRealDataSetting): WRealDataProblem {
  const data = twoClassDataset(images(s.dataset), {
    classes: [s.classA, s.classB], nTrain: n, nTest: s.nTest, rng: rng.split('data'), pool: s.pool, counts: 'balanced',
  });
  const d = data.X.rows;
  const w = Math.max(1, Math.round(s.widthOverN * n));
  const widths = [d, ...new Array<number>(s.depth).fill(w)];
  const net = deepGaussianInit(rng.split('init'), widths, activation(s.activation));
  return { data, net, widths };
}

/**
 * Per-layer rates { W: [η_1 … η_L], v } of an optimizer under a reading, for a network of
 * widths [d, w_1, …, w_L] (see the module comment).
 */
export function realDataRates(
  optimizer: RealDataOptimizer, reading: RealDataReading, widths: readonly number[],
): { W: number[]; v: number } {
  const eta = W_REAL_DATA_OPTIMIZERS[optimizer].eta;
  if (widths.length < 2) throw new RangeError(`realDataRates: widths must be [d, w_1, …, w_L], got [${widths.join(', ')}]`);
  const rate = (fanIn: number): number => {
    if (reading === 'asWritten') return eta;
    return optimizer === 'adam' ? eta * Math.sqrt(fanIn) : 2 * eta * fanIn;
  };
  return { W: widths.slice(0, -1).map(rate), v: rate(widths[widths.length - 1]!) };
}
