/**
 * Backend choice. At first use we load the native OpenBLAS/LAPACKE addon; if it cannot
 * be loaded we fall back to the pure-TypeScript backend with a one-line warning.
 * NTKV_BACKEND=js|native forces one (native forced but missing is an error).
 * NTKV_BLAS_THREADS sets the BLAS thread count at load.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LinalgBackend } from './backend-types';
import { jsBackend } from './backend-js';

export type { LinalgBackend } from './backend-types';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
/** The addon's folder: build/Release/ (built here) first, then prebuilds/<platform>-<arch>/ (shipped). */
export const NATIVE_DIR = path.resolve(here, '../../native');
/** Where a build from source puts the addon. */
export const NATIVE_ADDON_PATH = path.join(NATIVE_DIR, 'build/Release/ntkv_native.node');
/** The script that builds the addon from source (what `npm install` runs when install scripts are allowed). */
export const NATIVE_BUILD_SCRIPT = path.resolve(here, '../../scripts/build-native.mjs');

/**
 * The exact command that builds the addon from source here (needs a C++ compiler, python3,
 * libopenblas-dev and liblapacke-dev). It works whatever npm's install-script policy is.
 */
export function nativeBuildCommand(): string {
  const rel = path.relative(process.cwd(), NATIVE_BUILD_SCRIPT);
  const shown = rel.startsWith('..') || path.isAbsolute(rel) ? NATIVE_BUILD_SCRIPT : rel;
  return `node ${shown.includes(' ') ? JSON.stringify(shown) : shown} --force`;
}

let resolvedAddonPath: string | undefined;

/**
 * The addon file loaded (or to be loaded), found by node-gyp-build: native/build/Release when
 * it was built here, else the prebuilt binary shipped in native/prebuilds/ for this platform.
 */
export function nativeAddonPath(): string {
  if (resolvedAddonPath) return resolvedAddonPath;
  try {
    return (require('node-gyp-build') as { resolve(dir: string): string }).resolve(NATIVE_DIR);
  } catch {
    return NATIVE_ADDON_PATH;
  }
}

interface NativeAddon {
  gemm: LinalgBackend['gemm'];
  syrk: LinalgBackend['syrk'];
  gemv: LinalgBackend['gemv'];
  syevd: LinalgBackend['syevd'];
  syevr: LinalgBackend['syevr'];
  gesdd: LinalgBackend['gesdd'];
  posv: LinalgBackend['posv'];
  gesv: LinalgBackend['gesv'];
  potrf: LinalgBackend['potrf'];
  potrs: LinalgBackend['potrs'];
  actApply: NonNullable<LinalgBackend['activation']>;
  actGradOuter: NonNullable<LinalgBackend['activationGradOuter']>;
  actApplyWeighted?: LinalgBackend['activationWeighted'];
  gradFactor?: LinalgBackend['gradFactor'];
  optUpdate?: LinalgBackend['optimizerUpdate'];
  kernelsFinish?: LinalgBackend['kernelsFinish'];
  vectorMath?(forceScalar?: boolean): boolean;
  setThreads(t: number): void;
  getThreads(): number;
  info(): { config: string; corename: string; threads: number; vectorTanh?: boolean };
}

let nativeCache: LinalgBackend | null | undefined;
let nativeLoadError: string | undefined;

/** The native backend, or null (with the reason in nativeLoadProblem()) if it cannot load. */
export function loadNativeBackend(): LinalgBackend | null {
  if (nativeCache !== undefined) return nativeCache;
  try {
    const file = (require('node-gyp-build') as { resolve(dir: string): string }).resolve(NATIVE_DIR);
    const a = require(file) as NativeAddon;
    resolvedAddonPath = file;
    nativeCache = {
      name: 'native',
      gemm: a.gemm,
      syrk: a.syrk,
      gemv: a.gemv,
      syevd: a.syevd,
      syevr: a.syevr,
      gesdd: a.gesdd,
      posv: a.posv,
      gesv: a.gesv,
      potrf: a.potrf,
      potrs: a.potrs,
      activation: a.actApply,
      activationGradOuter: a.actGradOuter,
      // An addon built before kernelsFinish existed ignores syrk's lowerOnly flag: offer the
      // lower-only syrk only with the pass that completes it.
      syrkLowerOnly: a.kernelsFinish
        ? (tr, n, k, alpha, A, offA, lda, beta, C, offC, ldc) =>
            (a.syrk as (...args: unknown[]) => void)(tr, n, k, alpha, A, offA, lda, beta, C, offC, ldc, true)
        : undefined,
      activationWeighted: a.actApplyWeighted,
      gradFactor: a.gradFactor,
      optimizerUpdate: a.optUpdate,
      kernelsFinish: a.kernelsFinish,
      vectorMath: a.vectorMath ? (forceScalar?: boolean) => a.vectorMath!(forceScalar) : undefined,
      setThreads: (t) => a.setThreads(t),
      getThreads: () => a.getThreads(),
      describe: () => {
        const i = a.info();
        return { blas: i.config, corename: i.corename };
      },
    };
    const t = process.env.NTKV_BLAS_THREADS;
    if (t) nativeCache.setThreads(Math.max(1, Number.parseInt(t, 10) || 1));
  } catch (e) {
    nativeLoadError = (e as Error).message.split('\n')[0];
    nativeCache = null;
  }
  return nativeCache;
}

export function nativeLoadProblem(): string | undefined {
  return nativeLoadError;
}

let current: LinalgBackend | undefined;

function initialBackend(): LinalgBackend {
  const forced = process.env.NTKV_BACKEND;
  let b: LinalgBackend;
  if (forced === 'js') {
    b = jsBackend;
  } else if (forced === 'native') {
    const n = loadNativeBackend();
    if (!n) {
      throw new Error(
        `NTKV_BACKEND=native but the native addon could not be loaded from ${NATIVE_DIR}: ${nativeLoadError}. ` +
          `It needs libopenblas0 and liblapacke3 (apt-get install libopenblas-dev liblapacke-dev); build it with: ${nativeBuildCommand()}`,
      );
    }
    b = n;
  } else if (forced !== undefined && forced !== '') {
    throw new Error(`NTKV_BACKEND must be 'js' or 'native', got '${forced}'`);
  } else {
    const n = loadNativeBackend();
    if (!n) {
      process.emitWarning(
        `ntk-verify: native OpenBLAS addon unavailable (${nativeLoadError}); using the slow pure-TypeScript backend. ` +
          `Enable it with: apt-get install libopenblas-dev liblapacke-dev && ${nativeBuildCommand()}`,
      );
    }
    b = n ?? jsBackend;
  }
  const t = process.env.NTKV_BLAS_THREADS;
  if (t) b.setThreads(Math.max(1, Number.parseInt(t, 10) || 1));
  return b;
}

/** The backend every Mat operation uses. */
export function backend(): LinalgBackend {
  return (current ??= initialBackend());
}

/** Switch backends (tests compare them; the CLI honours --backend). */
export function useBackend(name: 'js' | 'native'): LinalgBackend {
  if (name === 'js') return (current = jsBackend);
  const n = loadNativeBackend();
  if (!n) throw new Error(`native backend unavailable: ${nativeLoadError}`);
  return (current = n);
}

export { jsBackend };
