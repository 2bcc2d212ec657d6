/**
 * The idx format of MNIST and Fashion-MNIST (yann.lecun.com/exdb/mnist): a 4-byte magic
 * number 0x00 0x00 <type> <ndims>, then ndims big-endian uint32 sizes, then the data in
 * row-major order. Only unsigned bytes (type 0x08) occur in these data sets, so only they
 * are read. Every check names the file, so a corrupt or truncated download says where it is.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataSourceError } from './image-set';

export interface IdxArray {
  /** Sizes, slowest-varying first: [count, rows, cols] for images, [count] for labels. */
  readonly dims: readonly number[];
  /** prod(dims) bytes, row-major. A view into the file's buffer (not a copy). */
  readonly data: Uint8Array;
}

const IDX_UBYTE = 0x08;
const TYPE_NAMES: Record<number, string> = { 0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double' };

/** Parses an (uncompressed) idx buffer; `file` is the name its errors give. */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  const fail = (what: string): never => {
    throw new DataSourceError(`${file}: ${what}`);
  };
  if (bytes.length < 4) fail(`${bytes.length} bytes, too short for an idx header`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
    fail(`not an idx file: magic number 0x${magic} does not start with 0x0000`);
  }
  const type = bytes[2]!;
  if (type !== IDX_UBYTE) {
    fail(`idx data type 0x${type.toString(16).padStart(2, '0')} (${TYPE_NAMES[type] ?? 'unknown'}) is not supported: only unsigned bytes (0x08)`);
  }
  const ndims = bytes[3]!;
  if (ndims === 0) fail('idx header declares 0 dimensions');
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) fail(`truncated: ${bytes.length} bytes, the idx header of ${ndims} dimensions alone needs ${headerBytes}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let k = 0; k < ndims; k++) dims.push(view.getUint32(4 + 4 * k, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const found = bytes.length - headerBytes;
  if (found !== expected) {
    const shape = `${dims.join('×')} = ${expected} bytes of data`;
    fail(found < expected ? `truncated: the header says ${shape}, the file has ${found}` : `the header says ${shape}, the file has ${found - expected} bytes more`);
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Reads an idx file, gunzipping it first when it starts with the gzip magic bytes 1f 8b. */
export function readIdxFile(file: string): IdxArray {
  let raw: Uint8Array;
  try {
    raw = readFileSync(file);
  } catch (e) {
    throw new DataSourceError(`${file}: cannot be read (${(e as Error).message})`);
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      raw = gunzipSync(raw);
    } catch (e) {
      throw new DataSourceError(`${file}: corrupt or truncated gzip stream (${(e as Error).message})`);
    }
  }
  return parseIdx(raw, file);
}
