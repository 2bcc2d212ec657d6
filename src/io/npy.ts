/**
 * NumPy .npy files ↔ Mat.
 *
 * Format (numpy.lib.format, versions 1.0, 2.0, 3.0):
 *   bytes 0..5   magic "\x93NUMPY"
 *   bytes 6, 7   major, minor version
 *   then         header length: uint16 LE (v1) or uint32 LE (v2, v3)
 *   then         header: a Python dict literal {'descr': …, 'fortran_order': …, 'shape': (…)}
 *                (latin-1 in v1/v2, UTF-8 in v3), padded with spaces and ended by '\n'
 *   then         the raw array data, C (row-major) or Fortran (column-major) order.
 *
 * Reading: dtypes '<f8' and '<f4' (widened exactly to float64), '<i4' and '<i8' (i8 only when
 * every value is within ±2^53, so the float64 conversion is exact). 0-d arrays become 1×1,
 * 1-D arrays of length n become n×1 column vectors, 2-D arrays of shape (r, c) become r×c in
 * either storage order. Element values are read through a DataView (little-endian, any
 * alignment), so float32 data never passes through a 32-bit typed array.
 *
 * npyjs is not used: it returns typed-array views that require aligned offsets, returns
 * a 32-bit typed array for '<f4', and does not check the data length or the header; the format is
 * small enough to parse here with precise errors that name the file.
 *
 * Writing: '<f8', version 1.0, header padded so the data starts on a 64-byte boundary.
 * A Mat is written with fortran_order True and shape (rows, cols) — Mat is column-major, so
 * the columns go out in order with no transposition. A Float64Array is written 1-D.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { zeros, type Mat } from '../linalg/mat';

export class NpyError extends Error {
  override name = 'NpyError';
}

export const SUPPORTED_DTYPES = ['<f8', '<f4', '<i8', '<i4'] as const;
export type NpyDtype = (typeof SUPPORTED_DTYPES)[number];

export interface NpyHeader {
  version: [number, number];
  descr: NpyDtype;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the first data byte. */
  dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93 N U M P Y
const ITEMSIZE: Record<NpyDtype, number> = { '<f8': 8, '<f4': 4, '<i8': 8, '<i4': 4 };
const MAX_SAFE = 2 ** 53;

// ---------------------------------------------------------------------------------------------
// A small parser for the Python literals that appear in .npy headers.

type PyValue = string | number | boolean | null | PyValue[] | { tuple: PyValue[] } | Map<string, PyValue>;

class LiteralParser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly fail: (msg: string) => never,
  ) {}

  parseTop(): PyValue {
    const v = this.value();
    this.ws();
    if (this.i !== this.s.length) this.fail(`unexpected text after the header dict at offset ${this.i}`);
    return v;
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  private value(): PyValue {
    this.ws();
    const c = this.s[this.i];
    if (c === undefined) this.fail('header ends unexpectedly');
    if (c === '{') return this.dict();
    if (c === '(') return { tuple: this.seq('(', ')') };
    if (c === '[') return this.seq('[', ']');
    if (c === "'" || c === '"') return this.str();
    const word = /^(True|False|None|[+-]?\d+L?)/.exec(this.s.slice(this.i));
    if (!word) this.fail(`cannot parse header value at offset ${this.i}: ${JSON.stringify(this.s.slice(this.i, this.i + 20))}`);
    this.i += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0].replace(/L$/, ''));
  }

  private str(): string {
    const q = this.s[this.i]!;
    let out = '';
    this.i++;
    while (this.i < this.s.length && this.s[this.i] !== q) {
      if (this.s[this.i] === '\\') this.i++;
      out += this.s[this.i] ?? '';
      this.i++;
    }
    if (this.s[this.i] !== q) this.fail('unterminated string in header');
    this.i++;
    return out;
  }

  private seq(open: string, close: string): PyValue[] {
    this.i++; // open
    const out: PyValue[] = [];
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== close) this.fail(`expected ',' or '${close}' in header at offset ${this.i}`);
    }
  }

  private dict(): Map<string, PyValue> {
    this.i++; // {
    const out = new Map<string, PyValue>();
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      const k = this.value();
      if (typeof k !== 'string') this.fail('header dict keys must be strings');
      this.ws();
      if (this.s[this.i] !== ':') this.fail(`expected ':' in header at offset ${this.i}`);
      this.i++;
      out.set(k, this.value());
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') this.fail(`expected ',' or '}' in header at offset ${this.i}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------

function toBytes(buf: Uint8Array | ArrayBuffer): Uint8Array {
  return buf instanceof Uint8Array ? buf : new Uint8Array(buf);
}

/** Parses and validates the header of a .npy file held in memory. `name` appears in errors. */
export function parseNpyHeader(buf: Uint8Array | ArrayBuffer, name = '<buffer>'): NpyHeader {
  const bytes = toBytes(buf);
  const fail = (msg: string): never => {
    throw new NpyError(`${name}: ${msg}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, k) => bytes[k] !== b)) {
    fail('not a .npy file (bad magic; expected the bytes \\x93NUMPY at the start)');
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const minor = bytes[7]!;
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = dv.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('truncated header');
    headerLen = dv.getUint32(8, true);
    headerStart = 12;
  } else {
    return fail(`unsupported .npy format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`);
  }
  const dataOffset = headerStart + headerLen;
  if (dataOffset > bytes.length) {
    fail(`truncated header: it declares ${headerLen} bytes but the file has ${bytes.length - headerStart} after the preamble`);
  }
  const headerBytes = bytes.subarray(headerStart, dataOffset);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  const dict = new LiteralParser(text.trim(), fail).parseTop();
  if (!(dict instanceof Map)) return fail('header is not a Python dict literal');

  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shapeV = dict.get('shape');
  if (descr === undefined || fortran === undefined || shapeV === undefined) {
    fail("header lacks one of the keys 'descr', 'fortran_order', 'shape'");
  }
  if (typeof descr !== 'string') {
    return fail(`structured dtype ${JSON.stringify(descr)} is not supported (supported dtypes: ${SUPPORTED_DTYPES.join(', ')})`);
  }
  if (descr.startsWith('>')) {
    fail(`big-endian dtype '${descr}' is not supported; convert with arr.astype('<${descr.slice(1)}') before saving (supported dtypes: ${SUPPORTED_DTYPES.join(', ')})`);
  }
  if (!(SUPPORTED_DTYPES as readonly string[]).includes(descr)) {
    fail(`unsupported dtype '${descr}' (supported dtypes: ${SUPPORTED_DTYPES.join(', ')})`);
  }
  if (typeof fortran !== 'boolean') fail("header 'fortran_order' must be True or False");
  if (!(shapeV !== null && typeof shapeV === 'object' && 'tuple' in shapeV)) return fail("header 'shape' must be a tuple");
  const shape = shapeV.tuple;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) fail(`bad dimension ${JSON.stringify(d)} in shape`);
  }
  if (shape.length > 2) {
    fail(`${shape.length}-dimensional array of shape (${shape.join(', ')}) is not supported (only 0-, 1- and 2-D arrays map to a matrix)`);
  }
  return {
    version: [major, minor],
    descr: descr as NpyDtype,
    fortranOrder: fortran as boolean,
    shape: shape as number[],
    dataOffset,
  };
}

/** Decodes a .npy file held in memory into a float64 Mat. `name` appears in errors. */
export function readNpyBuffer(buf: Uint8Array | ArrayBuffer, name = '<buffer>'): Mat {
  const bytes = toBytes(buf);
  const h = parseNpyHeader(bytes, name);
  const [rows, cols] = h.shape.length === 2 ? [h.shape[0]!, h.shape[1]!] : h.shape.length === 1 ? [h.shape[0]!, 1] : [1, 1];
  const count = rows * cols;
  const size = ITEMSIZE[h.descr];
  const need = count * size;
  const have = bytes.length - h.dataOffset;
  if (have < need) {
    throw new NpyError(
      `${name}: truncated data: shape (${h.shape.join(', ')}) of '${h.descr}' needs ${need} bytes, the file has ${have}`,
    );
  }
  if (have > need) {
    throw new NpyError(`${name}: ${have - need} unexpected bytes after the ${need} bytes of array data`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset + h.dataOffset, need);
  const read: (k: number) => number =
    h.descr === '<f8'
      ? (k) => dv.getFloat64(8 * k, true)
      : h.descr === '<f4'
        ? (k) => dv.getFloat32(4 * k, true)
        : h.descr === '<i4'
          ? (k) => dv.getInt32(4 * k, true)
          : (k) => {
              const v = dv.getBigInt64(8 * k, true);
              if (v > BigInt(MAX_SAFE) || v < -BigInt(MAX_SAFE)) {
                throw new NpyError(`${name}: int64 value ${v} at flat index ${k} cannot be represented exactly as a float64 (|v| > 2^53)`);
              }
              return Number(v);
            };
  const m = zeros(rows, cols);
  const out = m.data;
  if (h.fortranOrder || h.shape.length < 2) {
    for (let k = 0; k < count; k++) out[k] = read(k);
  } else {
    // C order: flat index k = i·cols + j holds element (i, j), which goes to out[i + j·rows].
    for (let i = 0, k = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++, k++) out[i + j * rows] = read(k);
    }
  }
  return m;
}

/** Reads a .npy file into a float64 Mat (see the module comment for the mapping). */
export function readNpy(path: string): Mat {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new NpyError(`${path}: cannot read file (${(e as Error).message})`);
  }
  return readNpyBuffer(bytes, path);
}

/** Encodes a Mat (2-D, Fortran order) or a Float64Array (1-D) as '<f8' .npy version 1.0 bytes. */
export function encodeNpy(m: Mat | Float64Array): Uint8Array {
  const isVec = m instanceof Float64Array;
  const shape = isVec ? `(${m.length},)` : `(${m.rows}, ${m.cols})`;
  const fortran = isVec ? 'False' : 'True';
  let header = `{'descr': '<f8', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
  // Preamble is 10 bytes (magic 6, version 2, uint16 length); pad with spaces so that
  // 10 + header length is a multiple of 64, the last header byte being '\n'.
  const pad = (64 - ((10 + header.length + 1) % 64)) % 64;
  header += ' '.repeat(pad) + '\n';
  const count = isVec ? m.length : m.rows * m.cols;
  const dataOffset = 10 + header.length;
  const out = new Uint8Array(dataOffset + 8 * count);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  dv.setUint16(8, header.length, true);
  for (let k = 0; k < header.length; k++) out[10 + k] = header.charCodeAt(k);
  if (isVec) {
    for (let k = 0; k < count; k++) dv.setFloat64(dataOffset + 8 * k, m[k]!, true);
  } else {
    let p = dataOffset;
    for (let j = 0; j < m.cols; j++) {
      const base = m.offset + j * m.ld;
      for (let i = 0; i < m.rows; i++, p += 8) dv.setFloat64(p, m.data[base + i]!, true);
    }
  }
  return out;
}

/** Writes m as a '<f8' .npy file (Mat: Fortran order, shape (rows, cols); Float64Array: 1-D). */
export function writeNpy(path: string, m: Mat | Float64Array): void {
  writeFileSync(path, encodeNpy(m));
}
