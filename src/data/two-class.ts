/**
 * Two-class real data as both papers use it (Hu et al. App. A on MNIST and CIFAR-10;
 * Wang et al. §6): two classes with labels ±1, each image standardised to mean 0 and
 * variance 1, optionally average-pooled, and a seeded train/test split.
 *
 * Output in the engine's layout: X is d×n (a column per image, the pooled pixels row by
 * row), y ∈ {±1}^n as float64, with the chosen images' indices and original labels so a run
 * can be reproduced and inspected.
 */
import { type Mat, zeros } from '../linalg/mat';
import type { Rng } from '../random';
import { type ImageSet, checkImageSet, classCounts } from './image-set';
import { averagePool, pooledSide, standardizeColumns } from './preprocess';

/** A class by its label number, or by its name (case-insensitive: 'Trouser', '7'). */
export type ClassRef = number | string;

export interface TwoClassOptions {
  /** The two classes: the first gets y = +1, the second y = −1. */
  classes: readonly [ClassRef, ClassRef];
  /** Training images (≥ 1). */
  nTrain: number;
  /** Test images (default 0). */
  nTest?: number;
  /** The stream every random choice comes from (in a claim: ctx.rng.split('data')). */
  rng: Rng;
  /** k×k average pooling, 28×28 → (28/k)²; k must divide the side (default 1: none). */
  pool?: number;
  /**
   * 'balanced' (default): each part has ⌈n/2⌉ images of the first class and ⌊n/2⌋ of the
   * second. 'natural': each part is a uniform sample of the two classes' images, so its
   * class counts follow the data's proportions (and vary with the seed).
   */
  counts?: 'balanced' | 'natural';
  /**
   * Per-image standardisation (default true): mean 0, variance 1 with 1/d, so ‖x‖² = d.
   * Pixels are b/255 before it, which it makes irrelevant (it removes any scale); false
   * keeps the pooled b/255 values in [0, 1].
   */
  standardize?: boolean;
}

export interface TwoClassDataset {
  /** d×nTrain, a column per training image. */
  X: Mat;
  /** +1 for the first class, −1 for the second. */
  y: Float64Array;
  /** d×nTest (d×0 when nTest = 0). */
  Xtest: Mat;
  ytest: Float64Array;
  /** Index of each column of X in the training source set, and its original class label. */
  trainIndices: Int32Array;
  trainLabels: Uint8Array;
  /** Index of each column of Xtest in the test source set (the same set when only one was given). */
  testIndices: Int32Array;
  testLabels: Uint8Array;
  /** The two classes, in the order of `classes`: y = +1 then y = −1. */
  classes: readonly [{ label: number; name: string }, { label: number; name: string }];
  /** Names of the sets the two parts were drawn from. */
  source: { train: string; test: string };
  /** Input dimension (28/k)², the pooling k, the pooled image's side, and whether standardised. */
  d: number;
  pool: number;
  height: number;
  width: number;
  standardized: boolean;
}

/** The label of a class given by number or name; throws naming the valid classes. */
export function resolveClass(set: ImageSet, ref: ClassRef): number {
  const list = () => set.classNames.map((n, c) => `${c} '${n}'`).join(', ');
  if (typeof ref === 'number') {
    if (Number.isInteger(ref) && ref >= 0 && ref < set.classNames.length) return ref;
    throw new RangeError(`twoClassDataset: unknown class ${ref} for ${set.name}; the classes are ${list()}`);
  }
  if (typeof ref === 'string') {
    const c = set.classNames.findIndex((n) => n.toLowerCase() === ref.trim().toLowerCase());
    if (c >= 0) return c;
  }
  throw new RangeError(`twoClassDataset: unknown class ${JSON.stringify(ref)} for ${set.name}; the classes are ${list()}`);
}

function checkCount(name: string, n: unknown, min: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
    throw new RangeError(`twoClassDataset: ${name} = ${String(n)} is not an integer ≥ ${min}`);
  }
  return n;
}

/** Indices of the images of class c, ascending. */
function indicesOf(set: ImageSet, c: number): Int32Array {
  const out = new Int32Array(classCounts(set)[c]!);
  let k = 0;
  for (let i = 0; i < set.count; i++) if (set.labels[i] === c) out[k++] = i;
  return out;
}

/** The elements of `pool` in a seeded random order (rng.shuffle: Fisher–Yates). */
function permuted(pool: Int32Array, rng: Rng): Int32Array {
  const p = rng.shuffle(pool.length);
  return p.map((i) => pool[i]!);
}

/**
 * Picks the images of each part (sizes[i] images for part partNames[i]), all from one set;
 * the parts are disjoint (consecutive slices of one seeded permutation per class, or of the union).
 */
function pick(
  set: ImageSet, labels: readonly [number, number], sizes: readonly number[], partNames: readonly string[],
  counts: 'balanced' | 'natural', rng: Rng,
): Int32Array[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const what = sizes.map((n, i) => `${n} ${partNames[i]}`).join(' + ');
  const have = labels.map((c) => classCounts(set)[c]!);
  const named = (i: number) => `class ${labels[i]} '${set.classNames[labels[i]!]}'`;
  if (counts === 'natural') {
    if (total > have[0]! + have[1]!) {
      throw new RangeError(`twoClassDataset: ${set.name} has ${have[0]! + have[1]!} images of ${named(0)} and ${named(1)} (${have[0]} + ${have[1]}); ${what} = ${total} asked`);
    }
    const union = Int32Array.from([...indicesOf(set, labels[0]), ...indicesOf(set, labels[1])]).sort();
    const order = permuted(union, rng.split('natural'));
    let at = 0;
    return sizes.map((n) => order.slice(at, (at += n)));
  }
  // Balanced: ⌈n/2⌉ of the first class and ⌊n/2⌋ of the second in every part.
  const perClass = [sizes.map((n) => Math.ceil(n / 2)), sizes.map((n) => Math.floor(n / 2))];
  for (const j of [0, 1]) {
    const need = perClass[j]!.reduce((a, b) => a + b, 0);
    if (need > have[j]!) {
      throw new RangeError(
        `twoClassDataset: ${set.name} has ${have[j]} images of ${named(j)}; a balanced ${what} needs ${need} of it ` +
        `(${perClass[j]!.map((n, i) => `${n} ${partNames[i]}`).join(' + ')}). Class counts: ${named(0)} ${have[0]}, ${named(1)} ${have[1]}`,
      );
    }
  }
  const orders = [0, 1].map((j) => permuted(indicesOf(set, labels[j]!), rng.split('class').split(labels[j]!)));
  const at = [0, 0];
  return sizes.map((_, i) => {
    const part = new Int32Array(sizes[i]!);
    let k = 0;
    for (const j of [0, 1]) {
      const n = perClass[j]![i]!;
      part.set(orders[j]!.subarray(at[j]!, at[j]! + n), k);
      at[j]! += n;
      k += n;
    }
    return part;
  });
}

/**
 * Builds the two-class data set. `data` is one ImageSet (MNIST: train and test are disjoint
 * draws from it) or a { train, test } pair (Fashion-MNIST: train drawn from its training
 * set, test from its test set). Throws, naming the counts, when a part asks for more images
 * than the data have; naming the valid classes for an unknown class; naming the sides for a
 * pooling k that does not divide them.
 *
 * Reproducible: the choice of images and their order depend only on `rng` (its 'train' and
 * 'test' sub-streams when the parts come from different sets).
 */
export function twoClassDataset(data: ImageSet | { train: ImageSet; test: ImageSet }, opts: TwoClassOptions): TwoClassDataset {
  const single = 'pixels' in data;
  const trainSet = single ? data : data.train;
  const testSet = single ? data : data.test;
  checkImageSet(trainSet, 'twoClassDataset');
  if (!single) {
    checkImageSet(testSet, 'twoClassDataset');
    if (trainSet.height !== testSet.height || trainSet.width !== testSet.width || trainSet.classNames.join('\n') !== testSet.classNames.join('\n')) {
      throw new RangeError(`twoClassDataset: the train set '${trainSet.name}' and test set '${testSet.name}' differ in image size or classes`);
    }
  }
  if (!opts || !Array.isArray(opts.classes) || opts.classes.length !== 2) {
    throw new RangeError('twoClassDataset: options.classes must list exactly two classes');
  }
  if (!opts.rng || typeof opts.rng.shuffle !== 'function') throw new TypeError('twoClassDataset: options.rng must be a seeded Rng (rngFor or ctx.rng.split)');
  const labels = [resolveClass(trainSet, opts.classes[0]), resolveClass(trainSet, opts.classes[1])] as const;
  if (labels[0] === labels[1]) {
    throw new RangeError(`twoClassDataset: both classes are ${labels[0]} '${trainSet.classNames[labels[0]]}'; choose two different ones`);
  }
  const nTrain = checkCount('nTrain', opts.nTrain, 1);
  const nTest = checkCount('nTest', opts.nTest ?? 0, 0);
  const k = opts.pool ?? 1;
  const side = pooledSide(trainSet.height, trainSet.width, k);
  const counts = opts.counts ?? 'balanced';
  if (counts !== 'balanced' && counts !== 'natural') throw new RangeError(`twoClassDataset: counts '${String(counts)}' is not 'balanced' or 'natural'`);
  const standardize = opts.standardize ?? true;

  const rng = opts.rng;
  const [trainPick, testPick] = single
    ? pick(trainSet, labels, [nTrain, nTest], ['train', 'test'], counts, rng)
    : [pick(trainSet, labels, [nTrain], ['train'], counts, rng.split('train'))[0]!, pick(testSet, labels, [nTest], ['test'], counts, rng.split('test'))[0]!];
  // Balanced picks come class by class: shuffle each part so the classes interleave (SGD
  // batches then see both), with its own stream so the choice above does not depend on it.
  const trainIndices = permuted(trainPick!, rng.split('order').split('train'));
  const testIndices = permuted(testPick!, rng.split('order').split('test'));

  const build = (set: ImageSet, indices: Int32Array) => {
    const d = side.height * side.width;
    const X = zeros(d, indices.length);
    const y = new Float64Array(indices.length);
    const original = new Uint8Array(indices.length);
    const hw = set.height * set.width;
    for (let j = 0; j < indices.length; j++) {
      const i = indices[j]!;
      averagePool(set.pixels.subarray(i * hw, (i + 1) * hw), set.height, set.width, k, X.data.subarray(j * d, (j + 1) * d));
      original[j] = set.labels[i]!;
      y[j] = original[j] === labels[0] ? 1 : -1;
    }
    if (standardize) standardizeColumns(X, X, (j) => `image ${indices[j]} of ${set.name}${k > 1 ? ` (pooled ${k}×${k})` : ''}`);
    return { X, y, original };
  };
  const train = build(trainSet, trainIndices);
  const test = build(testSet, testIndices);
  return {
    X: train.X,
    y: train.y,
    Xtest: test.X,
    ytest: test.y,
    trainIndices,
    trainLabels: train.original,
    testIndices,
    testLabels: test.original,
    classes: [
      { label: labels[0], name: trainSet.classNames[labels[0]]! },
      { label: labels[1], name: trainSet.classNames[labels[1]]! },
    ],
    source: { train: trainSet.name, test: testSet.name },
    d: side.height * side.width,
    pool: k,
    height: side.height,
    width: side.width,
    standardized: standardize,
  };
}
