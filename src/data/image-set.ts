/**
 * A labelled set of grey-level images as it comes from the files: one byte per pixel, the way
 * MNIST and Fashion-MNIST store them, so 70,000 images take 55 MB rather than 440 MB of
 * float64. The float64 matrices the engine works on are made from it by `twoClassDataset`.
 */

/** Images `count` × `height` × `width` bytes (0…255) with one class label each. */
export interface ImageSet {
  /** Where the images came from, used in error messages: 'mnist', 'fashion-mnist train', … */
  readonly name: string;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** Image i occupies pixels[i·height·width, (i+1)·height·width), row by row (row-major). */
  readonly pixels: Uint8Array;
  /** labels[i] is image i's class, an index into classNames. */
  readonly labels: Uint8Array;
  /** classNames[c] names class c ('0'…'9' for MNIST, 'T-shirt/top'… for Fashion-MNIST). */
  readonly classNames: readonly string[];
}

/**
 * The data a source could not provide: a missing package or folder, a corrupt or truncated
 * file. Its message names the file or package, what is wrong, and how to get the data.
 */
export class DataSourceError extends Error {
  override name = 'DataSourceError';
}

/** Throws when the set's arrays do not match its stated sizes or a label has no class. */
export function checkImageSet(set: ImageSet, op: string): void {
  const { name, count, height, width, pixels, labels, classNames } = set;
  for (const [what, v] of [['count', count], ['height', height], ['width', width]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${op}: image set '${name}' has ${what} ${v}, not a non-negative integer`);
  }
  if (!(pixels instanceof Uint8Array) || pixels.length !== count * height * width) {
    throw new RangeError(`${op}: image set '${name}' needs ${count}·${height}·${width} = ${count * height * width} pixel bytes, has ${pixels?.length}`);
  }
  if (!(labels instanceof Uint8Array) || labels.length !== count) {
    throw new RangeError(`${op}: image set '${name}' has ${labels?.length} labels for ${count} images`);
  }
  for (let i = 0; i < count; i++) {
    if (labels[i]! >= classNames.length) {
      throw new RangeError(`${op}: image set '${name}': image ${i} has label ${labels[i]}, but there are only ${classNames.length} classes`);
    }
  }
}

/** How many images each class has: out[c] for class c. */
export function classCounts(set: ImageSet): number[] {
  const out = new Array<number>(set.classNames.length).fill(0);
  for (let i = 0; i < set.count; i++) out[set.labels[i]!]!++;
  return out;
}
