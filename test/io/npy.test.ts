import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromRows, toRows, view, zeros, type Mat } from '../../src/linalg/mat';
import { encodeNpy, NpyError, parseNpyHeader, readNpy, readNpyBuffer, writeNpy } from '../../src/io/npy';

const FIX = fileURLToPath(new URL('../../fixtures/npy/', import.meta.url));
const fx = (name: string): string => join(FIX, name);

function shape(m: Mat): [number, number] {
  return [m.rows, m.cols];
}

/** Builds .npy bytes by hand (independently of encodeNpy) for malformed-input tests. */
function handMade(header: string, data: Uint8Array, version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const h = header + ' '.repeat((64 - ((pre + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(pre + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, h.length, true);
  else dv.setUint32(8, h.length, true);
  for (let k = 0; k < h.length; k++) out[pre + k] = h.charCodeAt(k);
  out.set(data, pre + h.length);
  return out;
}

describe('reading NumPy-written fixtures', () => {
  it('C-order float64 (2, 3) becomes a 2×3 matrix', () => {
    const m = readNpy(fx('c_f8.npy'));
    expect(shape(m)).toEqual([2, 3]);
    expect(toRows(m)).toEqual([
      [1.5, -2.0, 0.1],
      [4.0, 5e-300, -6.02e23],
    ]);
  });

  it('Fortran-order float64 (3, 2) becomes a 3×2 matrix', () => {
    const m = readNpy(fx('fortran_f8.npy'));
    expect(shape(m)).toEqual([3, 2]);
    expect(toRows(m)).toEqual([
      [1, 2],
      [3, 4],
      [5, 0.3],
    ]);
  });

  it('float32 widens exactly (C and Fortran order)', () => {
    const m = readNpy(fx('c_f4.npy'));
    expect(shape(m)).toEqual([2, 3]);
    expect(toRows(m)).toEqual([
      [Math.fround(0.1), Math.fround(1 / 3), -2.5],
      [Math.fround(1e-30), Math.fround(3.4e38), 7],
    ]);
    expect(m.data).toBeInstanceOf(Float64Array);
    const f = readNpy(fx('fortran_f4.npy'));
    expect(toRows(f)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it('1-D arrays become column vectors', () => {
    const m = readNpy(fx('vec_f8.npy'));
    expect(shape(m)).toEqual([4, 1]);
    expect(Array.from(m.data)).toEqual([0.25, -1, 3, 1e10]);
  });

  it('keeps NaN, ±Infinity and −0', () => {
    const m = readNpy(fx('nan_f8.npy'));
    const [[a, b], [c, d]] = toRows(m) as [[number, number], [number, number]];
    expect(a).toBeNaN();
    expect(b).toBe(Infinity);
    expect(c).toBe(-Infinity);
    expect(Object.is(d, -0)).toBe(true);
  });

  it('integer dtypes', () => {
    expect(toRows(readNpy(fx('c_i4.npy')))).toEqual([
      [1, -2, 3],
      [2147483647, -2147483648, 0],
    ]);
    expect(toRows(readNpy(fx('c_i8.npy')))).toEqual([
      [1, -2],
      [2 ** 53, -(2 ** 53)],
    ]);
  });

  it('version 2.0 header, empty array, 0-d scalar', () => {
    const v2 = readNpy(fx('c_f8_v2.npy'));
    expect(parseNpyHeader(readFileSync(fx('c_f8_v2.npy'))).version).toEqual([2, 0]);
    expect(toRows(v2)).toEqual(toRows(readNpy(fx('c_f8.npy'))));
    expect(shape(readNpy(fx('empty_f8.npy')))).toEqual([0, 3]);
    const s = readNpy(fx('scalar_f8.npy'));
    expect(shape(s)).toEqual([1, 1]);
    expect(s.data[0]).toBe(2.75);
  });

  it('parses the header', () => {
    const h = parseNpyHeader(readFileSync(fx('fortran_f8.npy')), 'x');
    expect(h).toMatchObject({ version: [1, 0], descr: '<f8', fortranOrder: true, shape: [3, 2] });
    expect(h.dataOffset % 64).toBe(0);
  });
});

describe('errors name the file and the problem', () => {
  it('unsupported dtype (complex128)', () => {
    const p = fx('complex_c16.npy');
    expect(() => readNpy(p)).toThrow(NpyError);
    expect(() => readNpy(p)).toThrow(/complex_c16\.npy: unsupported dtype '<c16' \(supported dtypes: <f8, <f4, <i8, <i4\)/);
  });

  it('big-endian', () => {
    expect(() => readNpy(fx('bigendian_f8.npy'))).toThrow(/bigendian_f8\.npy: big-endian dtype '>f8' is not supported/);
  });

  it('more than two dimensions', () => {
    expect(() => readNpy(fx('three_d_f8.npy'))).toThrow(/three_d_f8\.npy: 3-dimensional array of shape \(2, 2, 2\)/);
  });

  it('truncated data and truncated header', () => {
    const bytes = readFileSync(fx('c_f8.npy'));
    expect(() => readNpyBuffer(bytes.subarray(0, bytes.length - 3), 'cut.npy')).toThrow(
      /cut\.npy: truncated data: shape \(2, 3\) of '<f8' needs 48 bytes, the file has 45/,
    );
    expect(() => readNpyBuffer(bytes.subarray(0, 40), 'cut.npy')).toThrow(/cut\.npy: truncated header/);
    expect(() => readNpyBuffer(bytes.subarray(0, 5), 'cut.npy')).toThrow(/cut\.npy: not a \.npy file/);
  });

  it('extra bytes after the data', () => {
    const bytes = readFileSync(fx('vec_f8.npy'));
    const longer = new Uint8Array(bytes.length + 8);
    longer.set(bytes);
    expect(() => readNpyBuffer(longer, 'long.npy')).toThrow(/long\.npy: 8 unexpected bytes/);
  });

  it('bad magic, bad version, missing file', () => {
    const bytes = new Uint8Array(readFileSync(fx('c_f8.npy')));
    bytes[1] = 0x4f;
    expect(() => readNpyBuffer(bytes, 'magic.npy')).toThrow(/magic\.npy: not a \.npy file \(bad magic/);
    const v9 = new Uint8Array(readFileSync(fx('c_f8.npy')));
    v9[6] = 9;
    expect(() => readNpyBuffer(v9, 'v9.npy')).toThrow(/v9\.npy: unsupported \.npy format version 9\.0/);
    expect(() => readNpy(fx('does-not-exist.npy'))).toThrow(/does-not-exist\.npy: cannot read file/);
  });

  it('malformed headers', () => {
    const empty = new Uint8Array(0);
    expect(() => readNpyBuffer(handMade("{'descr': '<f8', 'shape': (0,), }", empty), 'h.npy')).toThrow(
      /h\.npy: header lacks one of the keys/,
    );
    expect(() => readNpyBuffer(handMade("{'descr': '<f8', 'fortran_order': False, 'shape': (0,", empty), 'h.npy')).toThrow(
      /h\.npy: /,
    );
    expect(() =>
      readNpyBuffer(handMade("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (0,), }", empty), 'h.npy'),
    ).toThrow(/h\.npy: structured dtype/);
    expect(() => readNpyBuffer(handMade("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", empty), 'h.npy')).toThrow(
      /h\.npy: bad dimension/,
    );
  });

  it('int64 values beyond 2^53 are refused rather than rounded', () => {
    const data = new Uint8Array(8);
    new DataView(data.buffer).setBigInt64(0, 2n ** 53n + 1n, true);
    const bytes = handMade("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", data);
    expect(() => readNpyBuffer(bytes, 'big.npy')).toThrow(/big\.npy: int64 value 9007199254740993/);
  });

  it('accepts hand-made v2 and double-quoted headers, and unaligned data', () => {
    const data = new Uint8Array(16);
    const dv = new DataView(data.buffer);
    dv.setFloat64(0, 1.25, true);
    dv.setFloat64(8, -3, true);
    const v2 = handMade('{"descr": "<f8", "fortran_order": True, "shape": (2, 1)}', data, 2);
    expect(Array.from(readNpyBuffer(v2).data)).toEqual([1.25, -3]);
    // A header of odd length (old writers aligned to 16 or not at all): data at an odd offset.
    const h = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n";
    const raw = new Uint8Array(10 + h.length + 16);
    raw.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(raw.buffer).setUint16(8, h.length, true);
    for (let k = 0; k < h.length; k++) raw[10 + k] = h.charCodeAt(k);
    raw.set(data, 10 + h.length);
    expect((10 + h.length) % 8).not.toBe(0);
    expect(Array.from(readNpyBuffer(raw).data)).toEqual([1.25, -3]);
  });
});

describe('writing', () => {
  it('round-trips matrices bit for bit, including views', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 6 }),
        fc.array(fc.double(), { minLength: 36, maxLength: 36 }),
        (r, c, vals) => {
          const m = zeros(r, c);
          for (let k = 0; k < r * c; k++) m.data[k] = vals[k]!;
          const back = readNpyBuffer(encodeNpy(m));
          return (
            back.rows === r &&
            back.cols === c &&
            Array.from(back.data).every((v, k) => Object.is(v, m.data[k]))
          );
        },
      ),
      { numRuns: 200 },
    );
    const big = fromRows([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ]);
    const v = view(big, 1, 1, 2, 2);
    expect(toRows(readNpyBuffer(encodeNpy(v)))).toEqual([
      [6, 7],
      [10, 11],
    ]);
  });

  it('writes 1-D arrays for Float64Array input', () => {
    const bytes = encodeNpy(new Float64Array([1, NaN, -0]));
    const h = parseNpyHeader(bytes);
    expect(h).toMatchObject({ descr: '<f8', fortranOrder: false, shape: [3] });
    const m = readNpyBuffer(bytes);
    expect(shape(m)).toEqual([3, 1]);
    expect(m.data[1]).toBeNaN();
    expect(Object.is(m.data[2], -0)).toBe(true);
  });

  it('header is a v1.0 dict padded to a 64-byte boundary and ending in a newline', () => {
    for (const [r, c] of [
      [0, 0],
      [1, 1],
      [3, 2],
      [12345, 678],
    ] as const) {
      const bytes = encodeNpy(zeros(r, c));
      const h = parseNpyHeader(bytes);
      expect(h.dataOffset % 64).toBe(0);
      expect(bytes[h.dataOffset - 1]).toBe(0x0a);
      expect(h.version).toEqual([1, 0]);
      const text = new TextDecoder('latin1').decode(bytes.subarray(10, h.dataOffset));
      expect(text.trimEnd()).toBe(`{'descr': '<f8', 'fortran_order': True, 'shape': (${r}, ${c}), }`);
    }
  });

  it('data section matches the bytes NumPy wrote for the same Fortran-order array', () => {
    const npBytes = readFileSync(fx('fortran_f8.npy'));
    const ours = encodeNpy(readNpy(fx('fortran_f8.npy')));
    const hn = parseNpyHeader(npBytes);
    const ho = parseNpyHeader(ours);
    expect(Buffer.from(ours.subarray(ho.dataOffset)).equals(npBytes.subarray(hn.dataOffset))).toBe(true);
  });

  it('writeNpy writes a file readNpy reads back (C-order input converted)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ntkv-npy-'));
    try {
      const p = join(dir, 'out.npy');
      const m = readNpy(fx('c_f8.npy'));
      writeNpy(p, m);
      expect(toRows(readNpy(p))).toEqual(toRows(m));
      expect(parseNpyHeader(readFileSync(p)).fortranOrder).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
