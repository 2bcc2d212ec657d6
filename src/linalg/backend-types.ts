/**
 * The contract every linear-algebra backend fulfils. All matrices are column-major
 * Float64Array buffers addressed by (offset, leading dimension), exactly as BLAS and
 * LAPACK take them, so the native addon can work on JavaScript memory without copies.
 * Decompositions overwrite their input (as LAPACK does); the Mat-level wrappers in
 * ops.ts copy first so that user-facing functions never destroy an argument.
 */
export interface LinalgBackend {
  readonly name: 'native' | 'js';
  /** C[m×n] = alpha·op(A)·op(B) + beta·C; op(A) is m×k, op(B) is k×n. */
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    A: Float64Array, offA: number, lda: number,
    B: Float64Array, offB: number, ldb: number, beta: number,
    C: Float64Array, offC: number, ldc: number,
  ): void;
  /**
   * C[n×n] = alpha·A·Aᵀ + beta·C (trans = false, A is n×k) or alpha·Aᵀ·A + beta·C
   * (trans = true, A is k×n). Both triangles of C are written.
   */
  syrk(
    trans: boolean, n: number, k: number, alpha: number,
    A: Float64Array, offA: number, lda: number, beta: number,
    C: Float64Array, offC: number, ldc: number,
  ): void;
  /** y = alpha·op(A)·x + beta·y, A is m×n. */
  gemv(
    trans: boolean, m: number, n: number, alpha: number,
    A: Float64Array, offA: number, lda: number,
    x: Float64Array, offx: number, incx: number, beta: number,
    y: Float64Array, offy: number, incy: number,
  ): void;
  /** Symmetric eigendecomposition (lower triangle read). Eigenvalues ascending into w;
   * with wantVectors, A is overwritten by orthonormal eigenvectors (columns). */
  syevd(n: number, A: Float64Array, lda: number, w: Float64Array, wantVectors: boolean): void;
  /** Eigenvalues with 1-based ascending indices il..iu (w must hold n values); vectors into
   * Z (n × (iu−il+1), leading dimension ldz) when wantVectors. A is destroyed. Returns the count. */
  syevr(
    n: number, A: Float64Array, lda: number, il: number, iu: number,
    w: Float64Array, Z: Float64Array, ldz: number, wantVectors: boolean,
  ): number;
  /** Thin SVD A = U·diag(s)·VT; s descending; U m×min(m,n), VT min(m,n)×n. A destroyed. */
  gesdd(
    m: number, n: number, A: Float64Array, lda: number, s: Float64Array,
    U: Float64Array, ldu: number, VT: Float64Array, ldvt: number, wantVectors: boolean,
  ): void;
  /** Solve A·X = B for symmetric positive definite A; A becomes its Cholesky factor, B becomes X.
   * Throws an error with `lapackInfo > 0` when A is not positive definite. */
  posv(n: number, nrhs: number, A: Float64Array, lda: number, B: Float64Array, ldb: number): void;
  /** Solve A·X = B by LU with partial pivoting; A destroyed, B becomes X. Throws on singular A. */
  gesv(n: number, nrhs: number, A: Float64Array, lda: number, B: Float64Array, ldb: number): void;
  /** Lower Cholesky factor in place; strict upper triangle zeroed. Throws when not SPD. */
  potrf(n: number, A: Float64Array, lda: number): void;
  /** Solve with a lower Cholesky factor from potrf; B becomes X. */
  potrs(n: number, nrhs: number, L: Float64Array, lda: number, B: Float64Array, ldb: number): void;
  /**
   * Optional: outF = (σ(src) − shift)/scale and outD = σ'(src)/scale for a built-in σ (ids in
   * native/ntkv_native.cc), over the first n entries, on the BLAS threads.
   */
  activation?(
    id: number, src: Float64Array, outF: Float64Array, outD: Float64Array | null, n: number,
    param: number, shift: number, scale: number,
  ): void;
  /** Optional: G[i + j·h] = (v_i r_j)·σ'(Z_ij)/scale for a built-in σ (the first-layer gradient factor). */
  activationGradOuter?(
    id: number, Z: Float64Array, v: Float64Array, r: Float64Array, G: Float64Array, h: number, n: number,
    param: number, scale: number,
  ): void;
  /**
   * Optional: syrk that writes only the lower triangle of C (the strict upper one is left as
   * it was); `kernelsFinish` then symmetrizes. Same values as `syrk` in the lower triangle.
   */
  syrkLowerOnly?(
    trans: boolean, n: number, k: number, alpha: number,
    A: Float64Array, offA: number, lda: number, beta: number,
    C: Float64Array, offC: number, ldc: number,
  ): void;
  /**
   * Optional: outF = (σ(Z) − shift)/scale and outM[i + j·h] = v_i·(σ'(Z_ij)/scale) over an h×n
   * buffer in one pass (σ(Z) and diag(v)·σ'(Z)); outM may be Z itself.
   */
  activationWeighted?(
    id: number, Z: Float64Array, outF: Float64Array, outM: Float64Array, h: number, n: number, v: Float64Array,
    param: number, shift: number, scale: number,
  ): void;
  /** Optional: G[i + j·h] = v_i·r_j·D[i + j·h] over an h×n buffer (the gradient factor from a stored σ'). */
  gradFactor?(D: Float64Array, v: Float64Array, r: Float64Array, G: Float64Array, h: number, n: number): void;
  /**
   * Optional: one optimizer step over the first len entries of p, in place, operation for
   * operation as the TypeScript loops of src/train/train.ts. kind 0: p −= eta·g; 1: Adam with
   * moments m, v and bias corrections c1, c2; 2: AdaGrad (v accumulates g²).
   */
  optimizerUpdate?(
    kind: 0 | 1 | 2, p: Float64Array, g: Float64Array, m: Float64Array | null, v: Float64Array | null, len: number,
    eta: number, b1: number, b2: number, c1: number, c2: number, eps: number,
  ): void;
  /**
   * Optional: on lower triangles left by `syrkLowerOnly` (n×n, contiguous), K1 ← K1 ⊙ Gx and,
   * with ntk, Gx ← CK + K1; then CK, K1 (and Gx) are symmetrized.
   */
  kernelsFinish?(CK: Float64Array, K1: Float64Array, Gx: Float64Array, n: number, ntk: boolean): void;
  /**
   * Optional (native): whether tanh's σ and σ' are evaluated four lanes at a time
   * (native/vec_tanh.cc, bit-identical to the scalar libm path; chosen at load time after a
   * self-check). `forceScalar` true turns the lanes off, false lets them on again (tests).
   */
  vectorMath?(forceScalar?: boolean): boolean;
  setThreads(threads: number): void;
  getThreads(): number;
  /** What computes: BLAS library and version string, CPU kernel name. */
  describe(): { blas: string; corename: string };
}
