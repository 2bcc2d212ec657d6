/**
 * Input checks shared by the spectra module. Every error names the public function that
 * received the bad input, so a failing verification run points at the right call.
 */
import { type Mat, NonFiniteError, ShapeError, shapeOf } from '../linalg';

/** Bad (empty, out-of-domain) input to a spectra function; the message starts with the function name. */
export class SpectraInputError extends Error {
  override name = 'SpectraInputError';
}

/** Throws unless `a` is non-empty and every entry is finite. */
export function checkValues(fn: string, name: string, a: ArrayLike<number>): void {
  if (a === null || a === undefined || typeof a.length !== 'number') {
    throw new SpectraInputError(`${fn}: '${name}' must be an array of numbers`);
  }
  if (a.length === 0) throw new SpectraInputError(`${fn}: '${name}' is empty`);
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new NonFiniteError(`${fn}: '${name}' has a non-finite entry ${String(v)} at ${i}`);
    }
  }
}

/** Throws unless `m` has at least one entry and all entries are finite. */
export function checkMat(fn: string, name: string, m: Mat): void {
  if (m.rows === 0 || m.cols === 0) throw new SpectraInputError(`${fn}: '${name}' is empty (${shapeOf(m)})`);
  for (let j = 0; j < m.cols; j++) {
    const base = m.offset + j * m.ld;
    for (let i = 0; i < m.rows; i++) {
      const v = m.data[base + i]!;
      if (!Number.isFinite(v)) {
        throw new NonFiniteError(`${fn}: '${name}' (${shapeOf(m)}) has a non-finite entry ${v} at (${i}, ${j})`);
      }
    }
  }
}

/** Throws unless `x` is a finite number satisfying `ok`. */
export function checkScalar(fn: string, name: string, x: number, ok: (v: number) => boolean, what: string): void {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new NonFiniteError(`${fn}: '${name}' must be a finite number, got ${String(x)}`);
  }
  if (!ok(x)) throw new SpectraInputError(`${fn}: '${name}' must be ${what}, got ${x}`);
}

export function checkSameLength(fn: string, a: ArrayLike<number>, b: ArrayLike<number>, na: string, nb: string): void {
  if (a.length !== b.length) {
    throw new ShapeError(`${fn}: '${na}' has length ${a.length} but '${nb}' has length ${b.length}`);
  }
}

/** A sorted (ascending) Float64Array copy. */
export function sortedCopy(a: ArrayLike<number>): Float64Array {
  return Float64Array.from(a).sort();
}

/** Flattens a Mat (column by column, honouring ld/offset) or copies an array-like. */
export function flatValues(x: ArrayLike<number> | Mat): Float64Array {
  if (isMat(x)) {
    const out = new Float64Array(x.rows * x.cols);
    for (let j = 0; j < x.cols; j++) {
      const s = x.offset + j * x.ld;
      out.set(x.data.subarray(s, s + x.rows), j * x.rows);
    }
    return out;
  }
  return Float64Array.from(x);
}

export function isMat(x: unknown): x is Mat {
  return (
    typeof x === 'object' && x !== null && 'rows' in x && 'cols' in x && 'ld' in x &&
    (x as { data?: unknown }).data instanceof Float64Array
  );
}
