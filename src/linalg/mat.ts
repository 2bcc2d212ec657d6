/**
 * Mat: a dense column-major float64 matrix, a plain object over a Float64Array.
 *
 * Element (i, j) lives at data[offset + i + j·ld]. A freshly made matrix is contiguous
 * (offset 0, ld = rows); `view` makes a sub-block sharing the buffer, which BLAS takes
 * directly through its leading-dimension argument. Shapes follow the first paper:
 * X is d×n (columns are samples), W is h×d.
 */
export interface Mat {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
  /** Leading dimension: distance between the starts of consecutive columns. */
  readonly ld: number;
  readonly offset: number;
}

export class ShapeError extends Error {
  override name = 'ShapeError';
}
export class NonFiniteError extends Error {
  override name = 'NonFiniteError';
}

export function shapeOf(m: Mat): string {
  return `${m.rows}×${m.cols}`;
}

function checkDims(op: string, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new ShapeError(`${op}: dimensions must be non-negative integers, got ${rows}×${cols}`);
  }
}

export function zeros(rows: number, cols: number): Mat {
  checkDims('zeros', rows, cols);
  return { rows, cols, data: new Float64Array(rows * cols), ld: Math.max(rows, 1), offset: 0 };
}

export function filled(rows: number, cols: number, value: number): Mat {
  const m = zeros(rows, cols);
  m.data.fill(value);
  return m;
}

export function identity(n: number): Mat {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i + i * n] = 1;
  return m;
}

/** Wraps (does not copy) a column-major buffer of length rows·cols. */
export function fromColumnMajor(rows: number, cols: number, data: Float64Array | number[]): Mat {
  checkDims('fromColumnMajor', rows, cols);
  const buf = data instanceof Float64Array ? data : Float64Array.from(data);
  if (buf.length !== rows * cols) {
    throw new ShapeError(`fromColumnMajor: ${rows}×${cols} needs ${rows * cols} values, got ${buf.length}`);
  }
  return { rows, cols, data: buf, ld: Math.max(rows, 1), offset: 0 };
}

/** Builds a matrix from an array of rows (convenient in tests and small examples). */
export function fromRows(rowsArr: readonly (readonly number[])[]): Mat {
  const rows = rowsArr.length;
  const cols = rows === 0 ? 0 : rowsArr[0]!.length;
  const m = zeros(rows, cols);
  for (let i = 0; i < rows; i++) {
    const r = rowsArr[i]!;
    if (r.length !== cols) throw new ShapeError(`fromRows: row ${i} has ${r.length} entries, expected ${cols}`);
    for (let j = 0; j < cols; j++) m.data[i + j * rows] = r[j]!;
  }
  return m;
}

/** A column vector (n×1) over a copy of the values. */
export function colVector(values: ArrayLike<number>): Mat {
  return fromColumnMajor(values.length, 1, Float64Array.from(values));
}

export function isContiguous(m: Mat): boolean {
  return m.offset === 0 && (m.ld === m.rows || m.cols <= 1) && m.data.length === m.rows * m.cols;
}

export function get(m: Mat, i: number, j: number): number {
  return m.data[m.offset + i + j * m.ld]!;
}

export function set(m: Mat, i: number, j: number, v: number): void {
  m.data[m.offset + i + j * m.ld] = v;
}

/** Sub-block view sharing memory: rows r0..r0+rows−1, columns c0..c0+cols−1. */
export function view(m: Mat, r0: number, c0: number, rows: number, cols: number): Mat {
  checkDims('view', rows, cols);
  if (r0 < 0 || c0 < 0 || r0 + rows > m.rows || c0 + cols > m.cols) {
    throw new ShapeError(
      `view: block [${r0}, ${r0 + rows}) × [${c0}, ${c0 + cols}) outside the ${shapeOf(m)} matrix`,
    );
  }
  return { rows, cols, data: m.data, ld: m.ld, offset: m.offset + r0 + c0 * m.ld };
}

/** Columns c0..c0+cols−1 (a view). */
export function columns(m: Mat, c0: number, cols: number): Mat {
  return view(m, 0, c0, m.rows, cols);
}

/** Column j as a Float64Array sharing memory. */
export function column(m: Mat, j: number): Float64Array {
  if (j < 0 || j >= m.cols) throw new ShapeError(`column: index ${j} outside 0..${m.cols - 1}`);
  const start = m.offset + j * m.ld;
  return m.data.subarray(start, start + m.rows);
}

/** A contiguous copy (also turns a view into an ordinary matrix). */
export function clone(m: Mat, out?: Mat): Mat {
  const r = out ?? zeros(m.rows, m.cols);
  assertSameShape('clone', m, r);
  if (isContiguous(m) && isContiguous(r)) {
    r.data.set(m.data);
    return r;
  }
  for (let j = 0; j < m.cols; j++) {
    const src = m.offset + j * m.ld;
    r.data.set(m.data.subarray(src, src + m.rows), r.offset + j * r.ld);
  }
  return r;
}

/** Returns m itself when contiguous, a contiguous copy otherwise. */
export function contiguous(m: Mat): Mat {
  return isContiguous(m) ? m : clone(m);
}

export function toRows(m: Mat): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) {
    const r: number[] = new Array(m.cols);
    for (let j = 0; j < m.cols; j++) r[j] = m.data[m.offset + i + j * m.ld]!;
    out.push(r);
  }
  return out;
}

export function assertSameShape(op: string, a: Mat, b: Mat): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new ShapeError(`${op}: shapes differ, ${shapeOf(a)} vs ${shapeOf(b)}`);
  }
}

export function assertSquare(op: string, a: Mat): void {
  if (a.rows !== a.cols) throw new ShapeError(`${op}: needs a square matrix, got ${shapeOf(a)}`);
}

/** Throws a NonFiniteError naming the operation, the argument and the first bad entry. */
export function assertFinite(op: string, name: string, m: Mat): void {
  for (let j = 0; j < m.cols; j++) {
    const base = m.offset + j * m.ld;
    for (let i = 0; i < m.rows; i++) {
      const v = m.data[base + i]!;
      if (!Number.isFinite(v)) {
        throw new NonFiniteError(`${op}: '${name}' (${shapeOf(m)}) has a non-finite entry ${v} at (${i}, ${j})`);
      }
    }
  }
}

export function assertFiniteArray(op: string, name: string, a: ArrayLike<number>): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) throw new NonFiniteError(`${op}: '${name}' has a non-finite entry ${a[i]} at ${i}`);
  }
}
