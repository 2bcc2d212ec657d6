/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 60,000 training and 10,000 test images of
 * clothing, 28×28 grey levels, ten classes of exactly 6,000 and 1,000 images. Read from
 * Debian's package `dataset-fashion-mnist`, which puts the four gzipped idx files in
 * /usr/share/datasets/fashion-mnist (`npm run setup` installs it); nothing is downloaded at
 * run time. NTKV_FASHION_MNIST_DIR points the loader at another folder holding the same files.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DataSourceError, checkImageSet, type ImageSet } from './image-set';
import { readIdxFile } from './idx';

/** The class names of labels 0…9, as the data set's README gives them. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);

/** The environment variable that overrides the folder of the four files. */
export const FASHION_MNIST_DIR_ENV = 'NTKV_FASHION_MNIST_DIR';
/** Where Debian's dataset-fashion-mnist installs them. */
export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';

const FILES = {
  train: { images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' },
  test: { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' },
} as const;

/** The training and test sets, each an ImageSet of 28×28 byte images. */
export interface FashionMnist {
  readonly train: ImageSet;
  readonly test: ImageSet;
}

/** The folder the files are read from: `dir`, else $NTKV_FASHION_MNIST_DIR, else Debian's. */
export function fashionMnistDir(dir?: string): string {
  const env = process.env[FASHION_MNIST_DIR_ENV];
  return path.resolve(dir ?? (env ? env : FASHION_MNIST_DEFAULT_DIR));
}

/**
 * Loads both parts (about 0.4 s, most of it gunzipping the 26 MB training images).
 * Throws a DataSourceError naming the folder, the file and how to install the package when
 * a file is missing, and the file and what is wrong when one is corrupt or truncated.
 */
export function loadFashionMnist(opts: { dir?: string } = {}): FashionMnist {
  const dir = fashionMnistDir(opts.dir);
  const from = opts.dir !== undefined ? 'given as dir' : process.env[FASHION_MNIST_DIR_ENV] ? `from ${FASHION_MNIST_DIR_ENV}` : 'the default';
  const install = `Fashion-MNIST comes from Debian's package dataset-fashion-mnist: install it with ` +
    '`apt-get install dataset-fashion-mnist` (as root) or `npm run setup`, ' +
    `or set ${FASHION_MNIST_DIR_ENV} to a folder holding ${Object.values(FILES).flatMap((f) => [f.images, f.labels]).join(', ')}.`;
  if (!existsSync(dir)) throw new DataSourceError(`Fashion-MNIST: no folder ${dir} (${from}). ${install}`);
  const part = (which: 'train' | 'test'): ImageSet => {
    const files = FILES[which];
    for (const f of [files.images, files.labels]) {
      if (!existsSync(path.join(dir, f))) throw new DataSourceError(`Fashion-MNIST: ${dir} (${from}) has no ${f}. ${install}`);
    }
    const imagesFile = path.join(dir, files.images);
    const labelsFile = path.join(dir, files.labels);
    const images = readIdxFile(imagesFile);
    const labels = readIdxFile(labelsFile);
    if (images.dims.length !== 3 || images.dims[1] !== 28 || images.dims[2] !== 28) {
      throw new DataSourceError(`${imagesFile}: images of shape ${images.dims.join('×')}, expected count×28×28`);
    }
    if (labels.dims.length !== 1 || labels.dims[0] !== images.dims[0]) {
      throw new DataSourceError(`${labelsFile}: labels of shape ${labels.dims.join('×')}, expected ${images.dims[0]} (one per image in ${files.images})`);
    }
    const bad = labels.data.findIndex((c) => c >= FASHION_MNIST_CLASSES.length);
    if (bad >= 0) throw new DataSourceError(`${labelsFile}: label ${labels.data[bad]} at index ${bad} is not a class 0…9`);
    const set: ImageSet = {
      name: `fashion-mnist ${which}`,
      count: images.dims[0]!,
      height: 28,
      width: 28,
      pixels: images.data,
      labels: labels.data,
      classNames: FASHION_MNIST_CLASSES,
    };
    checkImageSet(set, 'loadFashionMnist');
    return set;
  };
  return { train: part('train'), test: part('test') };
}
