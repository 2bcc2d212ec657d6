/**
 * From image bytes to the engine's float64 columns: k×k average pooling of the grey levels
 * (scaled to [0, 1]) and per-image standardisation.
 */
import { type Mat, ShapeError, zeros, shapeOf, assertSameShape } from '../linalg/mat';

/** The side of a k×k-pooled image; throws unless k is a positive integer dividing both sides. */
export function pooledSide(height: number, width: number, k: number): { height: number; width: number } {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`pooling: k = ${k} is not a positive integer`);
  if (height % k !== 0 || width % k !== 0) {
    const divisors = Array.from({ length: Math.min(height, width) }, (_, i) => i + 1).filter((q) => height % q === 0 && width % q === 0);
    throw new RangeError(`pooling: k = ${k} does not divide the ${height}×${width} image (k must be one of ${divisors.join(', ')})`);
  }
  return { height: height / k, width: width / k };
}

/**
 * Writes the k×k block averages of one height×width byte image, divided by 255, row-major
 * into `out` (length (height/k)·(width/k)). The block sums are integers, exact in float64,
 * so each output is one rounding from the true average. k = 1 is plain b/255.
 */
export function averagePool(pixels: Uint8Array, height: number, width: number, k: number, out: Float64Array): Float64Array {
  const side = pooledSide(height, width, k);
  if (pixels.length !== height * width) throw new ShapeError(`averagePool: ${pixels.length} pixels for a ${height}×${width} image`);
  if (out.length !== side.height * side.width) throw new ShapeError(`averagePool: out has length ${out.length}, needs ${side.height}·${side.width}`);
  const scale = 1 / (255 * k * k);
  if (k === 1) {
    for (let i = 0; i < pixels.length; i++) out[i] = pixels[i]! / 255;
    return out;
  }
  for (let R = 0; R < side.height; R++) {
    for (let C = 0; C < side.width; C++) {
      let s = 0;
      for (let r = R * k; r < (R + 1) * k; r++) for (let c = C * k; c < (C + 1) * k; c++) s += pixels[r * width + c]!;
      out[R * side.width + C] = s * scale;
    }
  }
  return out;
}

/**
 * Standardises each column of X (d×n, a column per sample) to mean 0 and variance 1, the
 * variance with 1/d (population): then ‖x‖² = d exactly, the normalisation ‖x‖²/d = 1 that
 * Hu et al.'s kernel expansion is centred on. Two passes (mean, then deviations, corrected),
 * so the result's mean and variance hold to about 1e-15 on images. A constant column has no variance: a RangeError names
 * it, through `label(j)` when given.
 */
export function standardizeColumns(X: Mat, out?: Mat, label: (j: number) => string = (j) => `column ${j}`): Mat {
  const r = out ?? zeros(X.rows, X.cols);
  assertSameShape('standardizeColumns', X, r);
  const d = X.rows;
  if (d < 2 && X.cols > 0) throw new ShapeError(`standardizeColumns: X is ${shapeOf(X)}; a column needs at least 2 entries to have a variance`);
  for (let j = 0; j < X.cols; j++) {
    const src = X.offset + j * X.ld;
    const dst = r.offset + j * r.ld;
    let mean = 0;
    for (let i = 0; i < d; i++) mean += X.data[src + i]!;
    mean /= d;
    if (!Number.isFinite(mean)) throw new RangeError(`standardizeColumns: ${label(j)} has a non-finite entry`);
    // Corrected two-pass (Chan, Golub and LeVeque 1983): the deviations' sum s1 is what the
    // rounded mean missed. Taking s1/d off each deviation (not adding it to the mean, whose
    // rounding at the data's magnitude would bring the error back) and s1²/d off the squares
    // keeps the result's mean at rounding level even for data far from zero relative to
    // their spread (x − mean is then exact, Sterbenz).
    let s1 = 0, ss = 0;
    for (let i = 0; i < d; i++) {
      const c = X.data[src + i]! - mean;
      s1 += c;
      ss += c * c;
    }
    const shift = s1 / d;
    const sd = Math.sqrt(Math.max(ss - s1 * shift, 0) / d);
    if (!(sd > 0)) throw new RangeError(`standardizeColumns: ${label(j)} is constant (every entry ${mean}); it cannot be scaled to unit variance`);
    for (let i = 0; i < d; i++) r.data[dst + i] = (X.data[src + i]! - mean - shift) / sd;
  }
  return r;
}
