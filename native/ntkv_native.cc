// Thin Node-API binding over OpenBLAS (CBLAS) and LAPACKE, on column-major
// Float64Array buffers. Every entry point checks that the (offset, leading dimension,
// extent) it is given stays inside the buffer, so a wrong shape from JavaScript is an
// exception, never a write past the end of an array. Matrices are not copied: BLAS
// works on the JavaScript memory directly.
#include <napi.h>

#include <cblas.h>
#include <lapacke.h>

#include <algorithm>
#include <emmintrin.h>
#include <cmath>
#include <cstring>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "tanh_pair.h"

extern "C" {
// Declared in OpenBLAS's cblas.h on most builds; repeated here so that a cblas.h
// from another vendor still compiles (the link fails instead, clearly).
void openblas_set_num_threads(int);
int openblas_get_num_threads(void);
char *openblas_get_config(void);
char *openblas_get_corename(void);
}

// native/vec_tanh.cc: tanh and sech² four lanes at a time, bit-identical to act::one's case 3.
namespace ntkv_vec {
bool tanhVecAvailable();
bool tanhVecEnabled();
void setTanhVecForcedOff(bool off);
// Four lanes of act::one's case 3 with each pass's finishing arithmetic (see vec_tanh.cc).
void tanhAffine(const double *z, double *F, double *D, long long n, double shift, double inv);
void tanhGradOuter(const double *z, const double *v, double r, double *G, long long n, double inv);
void tanhWeighted(const double *z, double *F, double *M, const double *v, long long n, double shift, double inv);
}  // namespace ntkv_vec

namespace {

struct Buf {
  double *p;
  size_t len;
};

bool fail(Napi::Env env, const std::string &msg) {
  Napi::RangeError::New(env, msg).ThrowAsJavaScriptException();
  return false;
}

bool getBuf(const Napi::CallbackInfo &info, size_t i, const char *op, const char *name, Buf *out) {
  if (!info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    return fail(info.Env(), std::string(op) + ": argument '" + name + "' must be a Float64Array");
  }
  auto a = info[i].As<Napi::Float64Array>();
  out->p = a.Data();
  out->len = a.ElementLength();
  return true;
}

bool getInt(const Napi::CallbackInfo &info, size_t i, const char *op, const char *name, long long *out) {
  if (!info[i].IsNumber()) return fail(info.Env(), std::string(op) + ": argument '" + name + "' must be a number");
  double v = info[i].As<Napi::Number>().DoubleValue();
  if (!(v == std::floor(v)) || v < 0 || v > 2147483647.0) {
    return fail(info.Env(), std::string(op) + ": argument '" + name + "' must be a non-negative 32-bit integer, got " +
                                std::to_string(v));
  }
  *out = static_cast<long long>(v);
  return true;
}

bool getNum(const Napi::CallbackInfo &info, size_t i, const char *op, const char *name, double *out) {
  if (!info[i].IsNumber()) return fail(info.Env(), std::string(op) + ": argument '" + name + "' must be a number");
  *out = info[i].As<Napi::Number>().DoubleValue();
  return true;
}

// A rows×cols column-major block starting at off with leading dimension ld must fit.
bool fits(Napi::Env env, const char *op, const char *name, const Buf &b, long long off, long long ld, long long rows,
          long long cols) {
  if (rows == 0 || cols == 0) return true;
  if (ld < std::max<long long>(1, rows)) {
    return fail(env, std::string(op) + ": leading dimension of '" + name + "' (" + std::to_string(ld) +
                         ") is smaller than its row count (" + std::to_string(rows) + ")");
  }
  long long need = off + ld * (cols - 1) + rows;
  if (need > static_cast<long long>(b.len)) {
    return fail(env, std::string(op) + ": '" + name + "' of " + std::to_string(rows) + "x" + std::to_string(cols) +
                         " (offset " + std::to_string(off) + ", ld " + std::to_string(ld) + ") needs " +
                         std::to_string(need) + " elements, buffer has " + std::to_string(b.len));
  }
  return true;
}

void throwInfo(Napi::Env env, const char *op, int info) {
  Napi::Error e = Napi::Error::New(env, std::string(op) + " failed: LAPACK info = " + std::to_string(info));
  e.Set("lapackInfo", Napi::Number::New(env, info));
  e.ThrowAsJavaScriptException();
}

// C[m×n] = beta·C, with beta = 0 writing exact zeros (as BLAS does, NaN in C included).
void scaleBlock(double *C, long long m, long long n, long long ldc, double beta) {
  for (long long j = 0; j < n; ++j)
    for (long long i = 0; i < m; ++i) C[j * ldc + i] = beta == 0.0 ? 0.0 : beta * C[j * ldc + i];
}

#define ARG_BUF(i, name, var) \
  Buf var;                    \
  if (!getBuf(info, i, OP, name, &var)) return env.Undefined();
#define ARG_INT(i, name, var) \
  long long var;              \
  if (!getInt(info, i, OP, name, &var)) return env.Undefined();
#define ARG_NUM(i, name, var) \
  double var;                 \
  if (!getNum(info, i, OP, name, &var)) return env.Undefined();
#define NEED_ARGS(k)                                                                                      \
  if (info.Length() < (k)) {                                                                              \
    fail(env, std::string(OP) + ": expected " + std::to_string(k) + " arguments, got " +                  \
                  std::to_string(info.Length()));                                                         \
    return env.Undefined();                                                                               \
  }
#define FITS(name, b, off, ld, r, c) \
  if (!fits(env, OP, name, b, off, ld, r, c)) return env.Undefined();

// gemm(transA, transB, m, n, k, alpha, A, offA, lda, B, offB, ldb, beta, C, offC, ldc)
// C[m×n] = alpha·op(A)·op(B) + beta·C
Napi::Value Gemm(const Napi::CallbackInfo &info) {
  static const char *OP = "gemm";
  Napi::Env env = info.Env();
  NEED_ARGS(16);
  bool ta = info[0].ToBoolean(), tb = info[1].ToBoolean();
  ARG_INT(2, "m", m) ARG_INT(3, "n", n) ARG_INT(4, "k", k) ARG_NUM(5, "alpha", alpha)
  ARG_BUF(6, "A", A) ARG_INT(7, "offA", offA) ARG_INT(8, "lda", lda)
  ARG_BUF(9, "B", B) ARG_INT(10, "offB", offB) ARG_INT(11, "ldb", ldb)
  ARG_NUM(12, "beta", beta)
  ARG_BUF(13, "C", C) ARG_INT(14, "offC", offC) ARG_INT(15, "ldc", ldc)
  FITS("A", A, offA, lda, ta ? k : m, ta ? m : k)
  FITS("B", B, offB, ldb, tb ? n : k, tb ? k : n)
  FITS("C", C, offC, ldc, m, n)
  if (m == 0 || n == 0) return env.Undefined();
  if (k == 0 || alpha == 0.0) {
    // BLAS semantics without asking cblas, which rejects ld < 1 when k = 0 and on small
    // sizes may still read A when alpha = 0 (NaN in A would then leak into C).
    scaleBlock(C.p + offC, m, n, ldc, beta);
    return env.Undefined();
  }
  cblas_dgemm(CblasColMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k,
              alpha, A.p + offA, (int)std::max(1LL, lda), B.p + offB, (int)std::max(1LL, ldb), beta, C.p + offC,
              (int)ldc);
  return env.Undefined();
}

// Runs fn(lo, hi) over [0, total) split into contiguous chunks on the BLAS thread count
// (this thread takes the first chunk); one chunk when total < minTotal. Each index is
// handled by exactly one thread, with the same operations as a serial loop, so the result
// does not depend on the thread count.
// Passes over fewer entries than this stay on one thread: on a loaded machine a second thread
// may wait a scheduler slice for a core, longer than a minibatch-sized pass takes.
constexpr long long kThreadMin = 1 << 20;

template <class F>
void parallelFor(long long total, long long minTotal, F fn) {
  int threads = std::max(1, openblas_get_num_threads());
  if (total < minTotal) threads = 1;
  if (threads == 1 || total < 2) {
    fn(0LL, total);
    return;
  }
  const long long chunk = (total + threads - 1) / threads;
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) {
    const long long lo = t * chunk, hi = std::min(total, lo + chunk);
    if (lo >= hi) break;
    pool.emplace_back(fn, lo, hi);
  }
  fn(0LL, std::min(total, chunk));
  for (auto &th : pool) th.join();
}

// Copy the lower triangle of an n×n column-major block into its upper triangle, in 64×64
// tiles (a plain transposed copy walks the upper triangle with stride ldc and misses the
// cache and TLB on every write); the tile columns are shared out over the BLAS threads.
constexpr long long kTile = 64;
void symmetrizeTiles(double *C, long long n, long long ldc, long long tb0, long long tb1) {
  for (long long tb = tb0; tb < tb1; ++tb) {
    const long long j0 = tb * kTile, j1 = std::min(n, j0 + kTile);
    for (long long i0 = j0; i0 < n; i0 += kTile) {
      const long long i1 = std::min(n, i0 + kTile);
      for (long long j = j0; j < j1; ++j)
        for (long long i = std::max(i0, j + 1); i < i1; ++i) C[i * ldc + j] = C[j * ldc + i];
    }
  }
}
// Runs fn(tb0, tb1) over the tile columns [0, tiles) of an n×n lower triangle, split over the
// BLAS threads by work: tile column tb holds (tiles − tb) tiles.
template <class F>
void forTileColumns(long long n, F fn) {
  const long long tiles = (n + kTile - 1) / kTile;
  int threads = std::max(1, openblas_get_num_threads());
  if (n < 512) threads = 1;
  if (threads == 1) {
    fn(0LL, tiles);
    return;
  }
  std::vector<long long> cut(threads + 1, tiles);
  cut[0] = 0;
  const double total = 0.5 * (double)tiles * (double)(tiles + 1);
  long long tb = 0;
  double acc = 0;
  for (int t = 1; t < threads; ++t) {
    while (tb < tiles && acc < total * t / threads) acc += (double)(tiles - tb++);
    cut[t] = tb;
  }
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t)
    if (cut[t] < cut[t + 1]) pool.emplace_back(fn, cut[t], cut[t + 1]);
  fn(cut[0], cut[1]);
  for (auto &th : pool) th.join();
}

void symmetrizeFromLower(double *C, long long n, long long ldc) {
  forTileColumns(n, [=](long long tb0, long long tb1) { symmetrizeTiles(C, n, ldc, tb0, tb1); });
}

// syrk(trans, n, k, alpha, A, offA, lda, beta, C, offC, ldc[, lowerOnly])
// C[n×n] = alpha·A·Aᵀ + beta·C (trans=false, A n×k) or alpha·Aᵀ·A + beta·C (trans=true,
// A k×n). Both triangles of C are written, or only the lower one with lowerOnly (the strict
// upper triangle is then left as it was: symmetrize later, e.g. with kernelsFinish).
Napi::Value Syrk(const Napi::CallbackInfo &info) {
  static const char *OP = "syrk";
  Napi::Env env = info.Env();
  NEED_ARGS(11);
  bool tr = info[0].ToBoolean();
  ARG_INT(1, "n", n) ARG_INT(2, "k", k) ARG_NUM(3, "alpha", alpha)
  ARG_BUF(4, "A", A) ARG_INT(5, "offA", offA) ARG_INT(6, "lda", lda)
  ARG_NUM(7, "beta", beta)
  ARG_BUF(8, "C", C) ARG_INT(9, "offC", offC) ARG_INT(10, "ldc", ldc)
  FITS("A", A, offA, lda, tr ? k : n, tr ? n : k)
  FITS("C", C, offC, ldc, n, n)
  if (n == 0) return env.Undefined();
  const bool lowerOnly = info.Length() > 11 && info[11].ToBoolean();
  if (k == 0 || alpha == 0.0) {
    scaleBlock(C.p + offC, n, n, ldc, beta);
    return env.Undefined();
  }
  cblas_dsyrk(CblasColMajor, CblasLower, tr ? CblasTrans : CblasNoTrans, (int)n, (int)k, alpha, A.p + offA,
              (int)std::max(1LL, lda), beta, C.p + offC, (int)ldc);
  if (!lowerOnly) symmetrizeFromLower(C.p + offC, n, ldc);
  return env.Undefined();
}

// gemv(trans, m, n, alpha, A, offA, lda, x, offx, incx, beta, y, offy, incy); A is m×n.
Napi::Value Gemv(const Napi::CallbackInfo &info) {
  static const char *OP = "gemv";
  Napi::Env env = info.Env();
  NEED_ARGS(14);
  bool tr = info[0].ToBoolean();
  ARG_INT(1, "m", m) ARG_INT(2, "n", n) ARG_NUM(3, "alpha", alpha)
  ARG_BUF(4, "A", A) ARG_INT(5, "offA", offA) ARG_INT(6, "lda", lda)
  ARG_BUF(7, "x", x) ARG_INT(8, "offx", offx) ARG_INT(9, "incx", incx)
  ARG_NUM(10, "beta", beta)
  ARG_BUF(11, "y", y) ARG_INT(12, "offy", offy) ARG_INT(13, "incy", incy)
  FITS("A", A, offA, lda, m, n)
  long long lx = tr ? m : n, ly = tr ? n : m;
  if (incx < 1 || incy < 1) {
    fail(env, "gemv: increments must be positive");
    return env.Undefined();
  }
  if (lx > 0 && offx + (lx - 1) * incx + 1 > (long long)x.len) {
    fail(env, "gemv: vector 'x' too short for length " + std::to_string(lx));
    return env.Undefined();
  }
  if (ly > 0 && offy + (ly - 1) * incy + 1 > (long long)y.len) {
    fail(env, "gemv: vector 'y' too short for length " + std::to_string(ly));
    return env.Undefined();
  }
  if (m == 0 || n == 0) {
    for (long long i = 0; i < ly; ++i) y.p[offy + i * incy] = beta == 0.0 ? 0.0 : beta * y.p[offy + i * incy];
    return env.Undefined();
  }
  cblas_dgemv(CblasColMajor, tr ? CblasTrans : CblasNoTrans, (int)m, (int)n, alpha, A.p + offA, (int)lda, x.p + offx,
              (int)incx, beta, y.p + offy, (int)incy);
  return env.Undefined();
}

// syevd(n, A, lda, w, wantVectors): eigenvalues ascending into w; A overwritten by the
// orthonormal eigenvectors (columns) when wantVectors, destroyed otherwise.
Napi::Value Syevd(const Napi::CallbackInfo &info) {
  static const char *OP = "syevd";
  Napi::Env env = info.Env();
  NEED_ARGS(5);
  ARG_INT(0, "n", n) ARG_BUF(1, "A", A) ARG_INT(2, "lda", lda) ARG_BUF(3, "w", w)
  bool vec = info[4].ToBoolean();
  FITS("A", A, 0, lda, n, n)
  if ((long long)w.len < n) {
    fail(env, "syevd: eigenvalue buffer 'w' shorter than n");
    return env.Undefined();
  }
  if (n == 0) return env.Undefined();
  int r = LAPACKE_dsyevd(LAPACK_COL_MAJOR, vec ? 'V' : 'N', 'L', (int)n, A.p, (int)lda, w.p);
  if (r != 0) throwInfo(env, "syevd", r);
  return env.Undefined();
}

// syevr(n, A, lda, il, iu, w, Z, ldz, wantVectors) -> number found. Eigenvalues with
// 1-based ascending indices il..iu; A is destroyed. Z (n × (iu-il+1)) gets the vectors.
Napi::Value Syevr(const Napi::CallbackInfo &info) {
  static const char *OP = "syevr";
  Napi::Env env = info.Env();
  NEED_ARGS(9);
  ARG_INT(0, "n", n) ARG_BUF(1, "A", A) ARG_INT(2, "lda", lda) ARG_INT(3, "il", il) ARG_INT(4, "iu", iu)
  ARG_BUF(5, "w", w) ARG_BUF(6, "Z", Z) ARG_INT(7, "ldz", ldz)
  bool vec = info[8].ToBoolean();
  FITS("A", A, 0, lda, n, n)
  if (n == 0) return Napi::Number::New(env, 0);
  if (il < 1 || iu < il || iu > n) {
    fail(env, "syevr: index range [" + std::to_string(il) + ", " + std::to_string(iu) + "] outside [1, " +
                  std::to_string(n) + "]");
    return env.Undefined();
  }
  long long cnt = iu - il + 1;
  if ((long long)w.len < n) {
    fail(env, "syevr: eigenvalue buffer 'w' must hold n values (LAPACK uses it as workspace)");
    return env.Undefined();
  }
  if (vec) FITS("Z", Z, 0, ldz, n, cnt)
  std::vector<lapack_int> isuppz(2 * cnt);
  lapack_int found = 0;
  double dummy = 0;
  int r = LAPACKE_dsyevr(LAPACK_COL_MAJOR, vec ? 'V' : 'N', 'I', 'L', (int)n, A.p, (int)lda, 0.0, 0.0, (int)il,
                         (int)iu, 0.0, &found, w.p, vec ? Z.p : &dummy, vec ? (int)ldz : 1, isuppz.data());
  if (r != 0) {
    throwInfo(env, "syevr", r);
    return env.Undefined();
  }
  return Napi::Number::New(env, found);
}

// gesdd(m, n, A, lda, s, U, ldu, VT, ldvt, wantVectors): thin SVD, A destroyed.
// U is m×min(m,n), VT is min(m,n)×n. Singular values descending.
Napi::Value Gesdd(const Napi::CallbackInfo &info) {
  static const char *OP = "gesdd";
  Napi::Env env = info.Env();
  NEED_ARGS(10);
  ARG_INT(0, "m", m) ARG_INT(1, "n", n) ARG_BUF(2, "A", A) ARG_INT(3, "lda", lda) ARG_BUF(4, "s", s)
  ARG_BUF(5, "U", U) ARG_INT(6, "ldu", ldu) ARG_BUF(7, "VT", VT) ARG_INT(8, "ldvt", ldvt)
  bool vec = info[9].ToBoolean();
  long long mn = std::min(m, n);
  FITS("A", A, 0, lda, m, n)
  if ((long long)s.len < mn) {
    fail(env, "gesdd: singular value buffer 's' shorter than min(m, n)");
    return env.Undefined();
  }
  if (mn == 0) return env.Undefined();
  if (vec) {
    FITS("U", U, 0, ldu, m, mn)
    FITS("VT", VT, 0, ldvt, mn, n)
  }
  double du = 0, dv = 0;
  int r = LAPACKE_dgesdd(LAPACK_COL_MAJOR, vec ? 'S' : 'N', (int)m, (int)n, A.p, (int)lda, s.p, vec ? U.p : &du,
                         vec ? (int)ldu : 1, vec ? VT.p : &dv, vec ? (int)ldvt : 1);
  if (r != 0) throwInfo(env, "gesdd", r);
  return env.Undefined();
}

// posv(n, nrhs, A, lda, B, ldb): solves A X = B for SPD A; A overwritten by its
// Cholesky factor (lower), B by X. info > 0 means A is not positive definite.
Napi::Value Posv(const Napi::CallbackInfo &info) {
  static const char *OP = "posv";
  Napi::Env env = info.Env();
  NEED_ARGS(6);
  ARG_INT(0, "n", n) ARG_INT(1, "nrhs", nrhs) ARG_BUF(2, "A", A) ARG_INT(3, "lda", lda) ARG_BUF(4, "B", B)
  ARG_INT(5, "ldb", ldb)
  FITS("A", A, 0, lda, n, n)
  FITS("B", B, 0, ldb, n, nrhs)
  if (n == 0 || nrhs == 0) return env.Undefined();
  int r = LAPACKE_dposv(LAPACK_COL_MAJOR, 'L', (int)n, (int)nrhs, A.p, (int)lda, B.p, (int)ldb);
  if (r != 0) throwInfo(env, "posv", r);
  return env.Undefined();
}

// gesv(n, nrhs, A, lda, B, ldb): LU with partial pivoting; info > 0: singular.
Napi::Value Gesv(const Napi::CallbackInfo &info) {
  static const char *OP = "gesv";
  Napi::Env env = info.Env();
  NEED_ARGS(6);
  ARG_INT(0, "n", n) ARG_INT(1, "nrhs", nrhs) ARG_BUF(2, "A", A) ARG_INT(3, "lda", lda) ARG_BUF(4, "B", B)
  ARG_INT(5, "ldb", ldb)
  FITS("A", A, 0, lda, n, n)
  FITS("B", B, 0, ldb, n, nrhs)
  if (n == 0 || nrhs == 0) return env.Undefined();
  std::vector<lapack_int> ipiv(n);
  int r = LAPACKE_dgesv(LAPACK_COL_MAJOR, (int)n, (int)nrhs, A.p, (int)lda, ipiv.data(), B.p, (int)ldb);
  if (r != 0) throwInfo(env, "gesv", r);
  return env.Undefined();
}

// potrf(n, A, lda): lower Cholesky factor in place; the strict upper triangle is zeroed.
Napi::Value Potrf(const Napi::CallbackInfo &info) {
  static const char *OP = "potrf";
  Napi::Env env = info.Env();
  NEED_ARGS(3);
  ARG_INT(0, "n", n) ARG_BUF(1, "A", A) ARG_INT(2, "lda", lda)
  FITS("A", A, 0, lda, n, n)
  if (n == 0) return env.Undefined();
  int r = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', (int)n, A.p, (int)lda);
  if (r != 0) {
    throwInfo(env, "potrf", r);
    return env.Undefined();
  }
  for (long long j = 1; j < n; ++j)
    for (long long i = 0; i < j; ++i) A.p[j * lda + i] = 0.0;
  return env.Undefined();
}

// potrs(n, nrhs, L, lda, B, ldb): solve with a Cholesky factor from potrf.
Napi::Value Potrs(const Napi::CallbackInfo &info) {
  static const char *OP = "potrs";
  Napi::Env env = info.Env();
  NEED_ARGS(6);
  ARG_INT(0, "n", n) ARG_INT(1, "nrhs", nrhs) ARG_BUF(2, "L", L) ARG_INT(3, "lda", lda) ARG_BUF(4, "B", B)
  ARG_INT(5, "ldb", ldb)
  FITS("L", L, 0, lda, n, n)
  FITS("B", B, 0, ldb, n, nrhs)
  if (n == 0 || nrhs == 0) return env.Undefined();
  int r = LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'L', (int)n, (int)nrhs, L.p, (int)lda, B.p, (int)ldb);
  if (r != 0) throwInfo(env, "potrs", r);
  return env.Undefined();
}


// ---------------------------------------------------------------- activations
// σ and σ' over a whole buffer (the h×n pre-activations of a training step), split over
// the BLAS thread count. ids: 0 identity, 1 relu, 2 leaky relu (param = slope),
// 3 tanh, 4 sigmoid, 5 softplus, 6 erf. The affine map (σ − shift)/scale gives the
// normalized variants. Formulas match src/activations (libm's tanh/erf/exp/log1p are
// within an ulp of the TypeScript ones).
namespace act {
constexpr double kTwoOverSqrtPi = 1.1283791670955126;

// The piecewise-linear σ (ids 0 identity, 1 ReLU, 2 leaky ReLU), the one definition of their
// formulas: linearPair for one entry, linearPair2 for two (SSE2, which every x86-64 CPU has).
// The select x > 0 ? a : b is a compare mask and and/andnot/or — no branch — and each lane does
// linearPair's IEEE operations, nothing fused, so both give the same numbers, −0 and NaN
// included (x > 0 is false for both). Run through the switch of one(), an entry cost ≈ 9 ns
// (random signs: every other branch mispredicted): at h = n = 4096, d = 256 the elementwise
// passes of a GD step took 70% of its two gemms. The passes below take them through linearEach.
template <int ID>
inline void linearPair(double x, double param, double &f, double &d) {
  if (ID == 0) { f = x; d = 1.0; }
  if (ID == 1) { f = x > 0 ? x : 0.0; d = x > 0 ? 1.0 : 0.0; }
  if (ID == 2) { f = x > 0 ? x : param * x; d = x > 0 ? 1.0 : param; }
}

template <int ID>
inline void linearPair2(__m128d x, __m128d param, __m128d &f, __m128d &d) {
  const __m128d one = _mm_set1_pd(1.0);
  if (ID == 0) { f = x; d = one; }
  const __m128d pos = _mm_cmpgt_pd(x, _mm_setzero_pd());
  if (ID == 1) {
    f = _mm_and_pd(pos, x);
    d = _mm_and_pd(pos, one);
  }
  if (ID == 2) {
    f = _mm_or_pd(_mm_and_pd(pos, x), _mm_andnot_pd(pos, _mm_mul_pd(param, x)));
    d = _mm_or_pd(_mm_and_pd(pos, one), _mm_andnot_pd(pos, param));
  }
}

inline bool piecewiseLinear(int id) { return id <= 2; }

// fn(std::integral_constant<int, id>) for a piecewise-linear id: one template instance each.
template <class F>
inline void dispatchLinear(int id, F fn) {
  if (id == 0) fn(std::integral_constant<int, 0>{});
  else if (id == 1) fn(std::integral_constant<int, 1>{});
  else fn(std::integral_constant<int, 2>{});
}

// σ and σ' of z[0..len): pairs(i, f2, d2) for entries i, i + 1, then single(i, f, d) for an odd last.
template <int ID, class Pairs, class Single>
inline void linearEach(const double *z, long long len, double param, Pairs pairs, Single single) {
  const __m128d p2 = _mm_set1_pd(param);
  __m128d f2, d2;
  long long i = 0;
  for (; i + 2 <= len; i += 2) {
    linearPair2<ID>(_mm_loadu_pd(z + i), p2, f2, d2);
    pairs(i, f2, d2);
  }
  double f, d;
  for (; i < len; ++i) {
    linearPair<ID>(z[i], param, f, d);
    single(i, f, d);
  }
}

inline void one(int id, double x, double param, double &f, double &d) {
  switch (id) {
    case 0: linearPair<0>(x, param, f, d); break;
    case 1: linearPair<1>(x, param, f, d); break;
    case 2: linearPair<2>(x, param, f, d); break;
    case 3: ntkv_vec::tanhScalar(x, f, d); break;  // one exponential for both (tanh_pair.h)
    case 4: {
      const double e = std::exp(-std::fabs(x));
      const double p = 1.0 / (1.0 + e);
      f = x >= 0 ? p : e * p;
      d = e * p * p;
      break;
    }
    case 5: {
      const double e = std::exp(-std::fabs(x));
      f = std::log1p(e) + (x > 0 ? x : 0.0);
      const double p = 1.0 / (1.0 + e);
      d = x >= 0 ? p : e * p;
      break;
    }
    default: {
      f = std::erf(x);
      d = kTwoOverSqrtPi * std::exp(-x * x);
      break;
    }
  }
}

// tanh's σ and σ' come four lanes at a time from native/vec_tanh.cc (the same numbers as
// one() gives, with the same finishing arithmetic as the loops here).
inline bool vectorized(int id) { return id == 3 && ntkv_vec::tanhVecEnabled(); }

void range(int id, const double *src, double *outF, double *outD, long long lo, long long hi, double param, double shift,
           double inv) {
  double f, d;
  if (piecewiseLinear(id)) {
    const __m128d s2 = _mm_set1_pd(shift), i2 = _mm_set1_pd(inv);
    const double *z = src + lo;
    double *F = outF + lo, *D = outD ? outD + lo : nullptr;
    dispatchLinear(id, [&](auto tag) {
      linearEach<decltype(tag)::value>(z, hi - lo, param,
        [&](long long i, __m128d f2, __m128d d2) {
          _mm_storeu_pd(F + i, _mm_mul_pd(_mm_sub_pd(f2, s2), i2));
          if (D) _mm_storeu_pd(D + i, _mm_mul_pd(d2, i2));
        },
        [&](long long i, double f, double d) {
          F[i] = (f - shift) * inv;
          if (D) D[i] = d * inv;
        });
    });
    return;
  }
  if (vectorized(id)) {
    ntkv_vec::tanhAffine(src + lo, outF + lo, outD ? outD + lo : nullptr, hi - lo, shift, inv);
    return;
  }
  for (long long i = lo; i < hi; ++i) {
    one(id, src[i], param, f, d);
    outF[i] = (f - shift) * inv;
    if (outD) outD[i] = d * inv;
  }
}
}  // namespace act

// actApply(id, src, outF, outD|null, n, param, shift, scale)
Napi::Value ActApply(const Napi::CallbackInfo &info) {
  static const char *OP = "actApply";
  Napi::Env env = info.Env();
  NEED_ARGS(8);
  ARG_INT(0, "id", id) ARG_BUF(1, "src", src) ARG_BUF(2, "outF", outF)
  Buf outD{nullptr, 0};
  if (!info[3].IsNull() && !info[3].IsUndefined()) {
    if (!getBuf(info, 3, OP, "outD", &outD)) return env.Undefined();
  }
  ARG_INT(4, "n", n) ARG_NUM(5, "param", param) ARG_NUM(6, "shift", shift) ARG_NUM(7, "scale", scale)
  if (id > 6) {
    fail(env, "actApply: unknown activation id " + std::to_string(id));
    return env.Undefined();
  }
  if ((long long)src.len < n || (long long)outF.len < n || (outD.p && (long long)outD.len < n)) {
    fail(env, "actApply: buffers shorter than n = " + std::to_string(n));
    return env.Undefined();
  }
  if (!(scale > 0)) {
    fail(env, "actApply: scale must be positive");
    return env.Undefined();
  }
  const double inv = 1.0 / scale;
  int threads = std::max(1, openblas_get_num_threads());
  if (n < 65536) threads = 1;
  if (threads == 1) {
    act::range((int)id, src.p, outF.p, outD.p, 0, n, param, shift, inv);
    return env.Undefined();
  }
  std::vector<std::thread> pool;
  const long long chunk = (n + threads - 1) / threads;
  for (int t = 1; t < threads; ++t) {
    const long long lo = t * chunk, hi = std::min(n, lo + chunk);
    if (lo >= hi) break;
    pool.emplace_back(act::range, (int)id, src.p, outF.p, outD.p, lo, hi, param, shift, inv);
  }
  act::range((int)id, src.p, outF.p, outD.p, 0, std::min(n, chunk), param, shift, inv);
  for (auto &th : pool) th.join();
  return env.Undefined();
}

// actGradOuter(id, Z, v, r, G, h, n, param, scale): G[i + j·h] = (v_i r_j)·(σ'(Z_ij)/scale),
// the first-layer gradient's h×n factor (v rᵀ) ⊙ σ'(Z) in one pass, without storing σ'(Z).
// Same operations in the same order as σ'(Z) from actApply followed by the TypeScript loop,
// so the result is bit-identical to that path.
namespace act {
void gradRange(int id, const double *Z, const double *v, const double *r, double *G, long long h, long long j0,
               long long j1, double param, double inv) {
  double f, d;
  if (piecewiseLinear(id)) {
    const __m128d i2 = _mm_set1_pd(inv);
    dispatchLinear(id, [&](auto tag) {
      for (long long j = j0; j < j1; ++j) {
        const double rj = r[j];
        const __m128d r2 = _mm_set1_pd(rj);
        double *g = G + j * h;
        linearEach<decltype(tag)::value>(Z + j * h, h, param,
          [&](long long i, __m128d, __m128d d2) { _mm_storeu_pd(g + i, _mm_mul_pd(_mm_mul_pd(_mm_loadu_pd(v + i), r2), _mm_mul_pd(d2, i2))); },
          [&](long long i, double, double d) { g[i] = v[i] * rj * (d * inv); });
      }
    });
    return;
  }
  if (vectorized(id)) {
    for (long long j = j0; j < j1; ++j) ntkv_vec::tanhGradOuter(Z + j * h, v, r[j], G + j * h, h, inv);
    return;
  }
  for (long long j = j0; j < j1; ++j) {
    const double rj = r[j];
    const double *z = Z + j * h;
    double *g = G + j * h;
    for (long long i = 0; i < h; ++i) {
      one(id, z[i], param, f, d);
      g[i] = v[i] * rj * (d * inv);
    }
  }
}
}  // namespace act

Napi::Value ActGradOuter(const Napi::CallbackInfo &info) {
  static const char *OP = "actGradOuter";
  Napi::Env env = info.Env();
  NEED_ARGS(9);
  ARG_INT(0, "id", id) ARG_BUF(1, "Z", Z) ARG_BUF(2, "v", v) ARG_BUF(3, "r", r) ARG_BUF(4, "G", G)
  ARG_INT(5, "h", h) ARG_INT(6, "n", n) ARG_NUM(7, "param", param) ARG_NUM(8, "scale", scale)
  if (id > 6) {
    fail(env, "actGradOuter: unknown activation id " + std::to_string(id));
    return env.Undefined();
  }
  if ((long long)Z.len < h * n || (long long)G.len < h * n || (long long)v.len < h || (long long)r.len < n) {
    fail(env, "actGradOuter: buffers too short for h = " + std::to_string(h) + ", n = " + std::to_string(n));
    return env.Undefined();
  }
  if (!(scale > 0)) {
    fail(env, "actGradOuter: scale must be positive");
    return env.Undefined();
  }
  const double inv = 1.0 / scale;
  int threads = std::max(1, openblas_get_num_threads());
  if (h * n < 65536) threads = 1;
  const long long chunk = (n + threads - 1) / threads;
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) {
    const long long j0 = t * chunk, j1 = std::min(n, j0 + chunk);
    if (j0 >= j1) break;
    pool.emplace_back(act::gradRange, (int)id, Z.p, v.p, r.p, G.p, h, j0, j1, param, inv);
  }
  act::gradRange((int)id, Z.p, v.p, r.p, G.p, h, 0, std::min(n, chunk), param, inv);
  for (auto &th : pool) th.join();
  return env.Undefined();
}

// actApplyWeighted(id, Z, outF, outM, h, n, v, param, shift, scale): outF = (σ(Z) − shift)/scale
// and outM[i + j·h] = v_i·(σ'(Z_ij)/scale): σ(Z) and diag(v)·σ'(Z) (the first-layer NTK's
// factor) in one pass. outM may be Z itself (each entry is read before it is written). The
// same operations as actApply followed by the row scaling, so bit-identical to that path.
Napi::Value ActApplyWeighted(const Napi::CallbackInfo &info) {
  static const char *OP = "actApplyWeighted";
  Napi::Env env = info.Env();
  NEED_ARGS(10);
  ARG_INT(0, "id", id) ARG_BUF(1, "Z", Z) ARG_BUF(2, "outF", outF) ARG_BUF(3, "outM", outM)
  ARG_INT(4, "h", h) ARG_INT(5, "n", n) ARG_BUF(6, "v", v)
  ARG_NUM(7, "param", param) ARG_NUM(8, "shift", shift) ARG_NUM(9, "scale", scale)
  if (id > 6) {
    fail(env, "actApplyWeighted: unknown activation id " + std::to_string(id));
    return env.Undefined();
  }
  const long long len = h * n;
  if ((long long)Z.len < len || (long long)outF.len < len || (long long)outM.len < len || (long long)v.len < h) {
    fail(env, "actApplyWeighted: buffers too short for h = " + std::to_string(h) + ", n = " + std::to_string(n));
    return env.Undefined();
  }
  if (!(scale > 0)) {
    fail(env, "actApplyWeighted: scale must be positive");
    return env.Undefined();
  }
  const double inv = 1.0 / scale;
  double *z = Z.p, *F = outF.p, *M = outM.p;
  const double *vp = v.p;
  const bool vec = act::vectorized((int)id);
  parallelFor(n, h > 0 ? std::max(2LL, 65536 / h) : 2, [=](long long j0, long long j1) {
    double f, d;
    if (act::piecewiseLinear((int)id)) {
      const __m128d s2 = _mm_set1_pd(shift), i2 = _mm_set1_pd(inv);
      act::dispatchLinear((int)id, [&](auto tag) {
        for (long long j = j0; j < j1; ++j) {
          double *Fj = F + j * h, *Mj = M + j * h;
          act::linearEach<decltype(tag)::value>(z + j * h, h, param,
            [&](long long i, __m128d f2, __m128d d2) {
              _mm_storeu_pd(Fj + i, _mm_mul_pd(_mm_sub_pd(f2, s2), i2));
              _mm_storeu_pd(Mj + i, _mm_mul_pd(_mm_loadu_pd(vp + i), _mm_mul_pd(d2, i2)));
            },
            [&](long long i, double fi, double di) {
              Fj[i] = (fi - shift) * inv;
              Mj[i] = vp[i] * (di * inv);
            });
        }
      });
      return;
    }
    if (vec) {
      for (long long j = j0; j < j1; ++j) ntkv_vec::tanhWeighted(z + j * h, F + j * h, M + j * h, vp, h, shift, inv);
      return;
    }
    for (long long j = j0; j < j1; ++j)
      for (long long i = 0; i < h; ++i) {
        const long long k = i + j * h;
        act::one((int)id, z[k], param, f, d);
        F[k] = (f - shift) * inv;
        M[k] = vp[i] * (d * inv);
      }
  });
  return env.Undefined();
}

// gradFactor(D, v, r, G, h, n): G[i + j·h] = v_i·r_j·D[i + j·h] ((v rᵀ) ⊙ σ'(Z) from a stored
// σ'(Z)), on the BLAS threads; the same products in the same order as the TypeScript loop.
Napi::Value GradFactor(const Napi::CallbackInfo &info) {
  static const char *OP = "gradFactor";
  Napi::Env env = info.Env();
  NEED_ARGS(6);
  ARG_BUF(0, "D", D) ARG_BUF(1, "v", v) ARG_BUF(2, "r", r) ARG_BUF(3, "G", G) ARG_INT(4, "h", h) ARG_INT(5, "n", n)
  if ((long long)D.len < h * n || (long long)G.len < h * n || (long long)v.len < h || (long long)r.len < n) {
    fail(env, "gradFactor: buffers too short for h = " + std::to_string(h) + ", n = " + std::to_string(n));
    return env.Undefined();
  }
  const double *Dp = D.p, *vp = v.p, *rp = r.p;
  double *Gp = G.p;
  parallelFor(n, h > 0 ? std::max(2LL, kThreadMin / h) : 2, [=](long long j0, long long j1) {
    for (long long j = j0; j < j1; ++j) {
      const double rj = rp[j];
      for (long long i = 0; i < h; ++i) Gp[j * h + i] = vp[i] * rj * Dp[j * h + i];
    }
  });
  return env.Undefined();
}

// optUpdate(kind, p, g, m, v, len, eta, b1, b2, c1, c2, eps): one optimizer step on a flat
// parameter array, in place, on the BLAS threads. kind 0: p −= eta·g (GD, SGD); 1: Adam
// (m, v moments; c1 = 1 − b1^t, c2 = 1 − b2^t); 2: AdaGrad (v accumulates g²). Written as the
// TypeScript loops of src/train/train.ts are, operation for operation (no FMA contraction:
// -ffp-contract=off), so the result is bit-identical to them.
Napi::Value OptUpdate(const Napi::CallbackInfo &info) {
  static const char *OP = "optUpdate";
  Napi::Env env = info.Env();
  NEED_ARGS(12);
  ARG_INT(0, "kind", kind) ARG_BUF(1, "p", p) ARG_BUF(2, "g", g)
  ARG_INT(5, "len", len) ARG_NUM(6, "eta", eta) ARG_NUM(7, "b1", b1) ARG_NUM(8, "b2", b2)
  ARG_NUM(9, "c1", c1) ARG_NUM(10, "c2", c2) ARG_NUM(11, "eps", eps)
  Buf m{nullptr, 0}, v{nullptr, 0};
  if (kind == 1 && !getBuf(info, 3, OP, "m", &m)) return env.Undefined();
  if ((kind == 1 || kind == 2) && !getBuf(info, 4, OP, "v", &v)) return env.Undefined();
  if (kind > 2) {
    fail(env, "optUpdate: unknown kind " + std::to_string(kind) + " (0 sgd, 1 adam, 2 adagrad)");
    return env.Undefined();
  }
  if ((long long)p.len < len || (long long)g.len < len || (m.p && (long long)m.len < len) ||
      (v.p && (long long)v.len < len)) {
    fail(env, "optUpdate: buffers shorter than len = " + std::to_string(len));
    return env.Undefined();
  }
  double *P = p.p, *M = m.p, *V = v.p;
  const double *Gr = g.p;
  if (kind == 0) {
    parallelFor(len, kThreadMin, [=](long long lo, long long hi) {
      for (long long i = lo; i < hi; ++i) P[i] -= eta * Gr[i];
    });
  } else if (kind == 1) {
    const double a1 = 1 - b1, a2 = 1 - b2;
    parallelFor(len, kThreadMin, [=](long long lo, long long hi) {
      for (long long i = lo; i < hi; ++i) {
        const double gi = Gr[i];
        const double mi = b1 * M[i] + a1 * gi;
        const double vi = b2 * V[i] + a2 * gi * gi;
        M[i] = mi;
        V[i] = vi;
        P[i] -= (eta * (mi / c1)) / (std::sqrt(vi / c2) + eps);
      }
    });
  } else {
    parallelFor(len, kThreadMin, [=](long long lo, long long hi) {
      for (long long i = lo; i < hi; ++i) {
        const double gi = Gr[i];
        const double a = V[i] + gi * gi;
        V[i] = a;
        P[i] -= (eta * gi) / (std::sqrt(a) + eps);
      }
    });
  }
  return env.Undefined();
}

// kernelsFinish(CK, K1, Gx, n, ntk): on the lower triangles that syrk(lowerOnly) left,
// K1 ← K1 ⊙ Gx and, with ntk, Gx ← CK + K1 (Gx becomes the NTK); then all of them are
// symmetrized, in the same tiled pass (without ntk, Gx keeps only its lower triangle).
// Entry for entry the products and sums of the plain loops over full matrices (the upper triangles are mirror copies), so the kernels are bit-identical to them.
Napi::Value KernelsFinish(const Napi::CallbackInfo &info) {
  static const char *OP = "kernelsFinish";
  Napi::Env env = info.Env();
  NEED_ARGS(5);
  ARG_BUF(0, "CK", CK) ARG_BUF(1, "K1", K1) ARG_BUF(2, "Gx", Gx) ARG_INT(3, "n", n)
  const bool ntk = info[4].ToBoolean();
  if ((long long)CK.len < n * n || (long long)K1.len < n * n || (long long)Gx.len < n * n) {
    fail(env, "kernelsFinish: buffers shorter than n² for n = " + std::to_string(n));
    return env.Undefined();
  }
  double *C = CK.p, *K = K1.p, *G = Gx.p;
  // One tiled pass (C may be K itself): in each 64×64 tile of the lower triangle, the
  // product and the sum, then the tile's mirror image in the upper triangle of every matrix,
  // while the tile is still in cache.
  forTileColumns(n, [=](long long tb0, long long tb1) {
    for (long long tb = tb0; tb < tb1; ++tb) {
      const long long j0 = tb * kTile, j1 = std::min(n, j0 + kTile);
      for (long long i0 = j0; i0 < n; i0 += kTile) {
        const long long i1 = std::min(n, i0 + kTile);
        for (long long j = j0; j < j1; ++j)
          for (long long i = std::max(i0, j); i < i1; ++i) {
            const long long k = i + j * n;
            const double k1 = K[k] * G[k];
            K[k] = k1;
            if (ntk) G[k] = C[k] + k1;
          }
        for (long long j = j0; j < j1; ++j)
          for (long long i = std::max(i0, j + 1); i < i1; ++i) {
            const long long lo = i + j * n, up = j + i * n;
            C[up] = C[lo];
            K[up] = K[lo];
            if (ntk) G[up] = G[lo];
          }
      }
    }
  });
  return env.Undefined();
}

Napi::Value SetThreads(const Napi::CallbackInfo &info) {
  static const char *OP = "setThreads";
  Napi::Env env = info.Env();
  NEED_ARGS(1);
  ARG_INT(0, "threads", t)
  openblas_set_num_threads((int)std::max(1LL, t));
  return env.Undefined();
}

// vectorMath(off?) -> whether tanh takes the four-lane path of vec_tanh.cc; with a boolean
// argument, first forces it off (true) or lets it on again (false). For tests: the two paths
// must give the same bits.
Napi::Value VectorMath(const Napi::CallbackInfo &info) {
  if (info.Length() > 0 && info[0].IsBoolean()) ntkv_vec::setTanhVecForcedOff(info[0].As<Napi::Boolean>().Value());
  return Napi::Boolean::New(info.Env(), ntkv_vec::tanhVecEnabled());
}

Napi::Value GetThreads(const Napi::CallbackInfo &info) {
  return Napi::Number::New(info.Env(), openblas_get_num_threads());
}

Napi::Value Info(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  const char *cfg = openblas_get_config();
  const char *core = openblas_get_corename();
  o.Set("config", Napi::String::New(env, cfg ? cfg : "unknown"));
  o.Set("corename", Napi::String::New(env, core ? core : "unknown"));
  o.Set("threads", Napi::Number::New(env, openblas_get_num_threads()));
  o.Set("vectorTanh", Napi::Boolean::New(env, ntkv_vec::tanhVecAvailable()));
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("gemm", Napi::Function::New(env, Gemm));
  exports.Set("syrk", Napi::Function::New(env, Syrk));
  exports.Set("gemv", Napi::Function::New(env, Gemv));
  exports.Set("syevd", Napi::Function::New(env, Syevd));
  exports.Set("syevr", Napi::Function::New(env, Syevr));
  exports.Set("gesdd", Napi::Function::New(env, Gesdd));
  exports.Set("posv", Napi::Function::New(env, Posv));
  exports.Set("gesv", Napi::Function::New(env, Gesv));
  exports.Set("potrf", Napi::Function::New(env, Potrf));
  exports.Set("potrs", Napi::Function::New(env, Potrs));
  exports.Set("actApply", Napi::Function::New(env, ActApply));
  exports.Set("actGradOuter", Napi::Function::New(env, ActGradOuter));
  exports.Set("actApplyWeighted", Napi::Function::New(env, ActApplyWeighted));
  exports.Set("gradFactor", Napi::Function::New(env, GradFactor));
  exports.Set("optUpdate", Napi::Function::New(env, OptUpdate));
  exports.Set("kernelsFinish", Napi::Function::New(env, KernelsFinish));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("getThreads", Napi::Function::New(env, GetThreads));
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("vectorMath", Napi::Function::New(env, VectorMath));
  ntkv_vec::tanhVecAvailable();  // settle the self-check before any pass runs threads
  return exports;
}

}  // namespace

NODE_API_MODULE(ntkv_native, Init)
