// tanh and sech² (the native tanh activation's σ and σ') four lanes at a time, bit-identical
// to the scalar path of ntkv_native.cc (act::one, case 3), which takes both from one libm
// expm1(−2|x|).
//
// Why this is bit-identical and not merely close: expm1 here is the fdlibm algorithm (argument
// reduction by k·ln2, the rational approximation of expm1 on [−ln2/2, ln2/2], reconstruction
// by adding k to the exponent), evaluated in the order and with the fused multiply-adds of
// the libm expm1 that the scalar path calls on an AVX2+FMA machine (glibc ≥ 2.28 selects its
// FMA build of the same C there). Only non-positive arguments are needed (−2|x|), so only those
// branches are written; every lane takes all of them and a blend keeps the one the scalar code
// takes. The remaining tanh/sech² arithmetic is the scalar code's, operation for operation
// (the addon is compiled with -ffp-contract=off, so nothing else is fused).
//
// Nothing is assumed: before the first use, `tanhVecEnabled` compares the vector path with
// the scalar one on a few thousand arguments spread over every branch (and ±0, ±∞, NaN,
// subnormals); on any difference in any bit, or on a CPU without AVX2 and FMA, the scalar
// path is used. test/engine/native-passes.test.ts compares the two on millions of arguments.
#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>

#include "tanh_pair.h"

namespace ntkv_vec {

// The scalar reference, tanhScalar, is tanh_pair.h's: act::one's case 3 in ntkv_native.cc.

namespace {

inline double fromBits(uint64_t b) {
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

// fdlibm's constants for expm1.
const double kLn2Hi = 6.93147180369123816490e-01;  // 0x3fe62e42 fee00000
const double kLn2Lo = 1.90821492927058770002e-10;  // 0x3dea39ef 35793c76
const double kInvLn2 = 1.44269504088896338700e+00; // 0x3ff71547 652b82fe
const double kQ1 = -3.33333333333331316428e-02;
const double kQ2 = 1.58730158725481460165e-03;
const double kQ3 = -7.93650757867487942473e-05;
const double kQ4 = 4.00821782732936239552e-06;
const double kQ5 = -2.01099218183624371326e-07;

// expm1(x) for x ≤ 0 (or NaN), four lanes.
__attribute__((target("avx2,fma"))) inline __m256d expm1NonPositive(__m256d x) {
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d ax = _mm256_andnot_pd(_mm256_set1_pd(-0.0), x);
  // The branch thresholds are on the high word of |x|; for a non-NaN |x| comparing the whole
  // double against the threshold with a zero low word is the same test.
  const __m256d big = _mm256_cmp_pd(ax, _mm256_set1_pd(fromBits(0x4043687A00000000ULL)), _CMP_GE_OQ);  // |x| ≥ 56 ln2
  const __m256d reduce = _mm256_cmp_pd(ax, _mm256_set1_pd(fromBits(0x3fd62e4300000000ULL)), _CMP_GE_OQ);  // > ln2/2
  const __m256d general = _mm256_cmp_pd(ax, _mm256_set1_pd(fromBits(0x3FF0A2B200000000ULL)), _CMP_GE_OQ);  // ≥ 1.5 ln2
  const __m256d tiny = _mm256_cmp_pd(ax, _mm256_set1_pd(fromBits(0x3c90000000000000ULL)), _CMP_LT_OQ);  // < 2^-54
  const __m256d nan = _mm256_cmp_pd(x, x, _CMP_UNORD_Q);

  // Argument reduction: k = −1 (ln2/2 < |x| < 1.5 ln2), or k = (int)(x/ln2 − 0.5).
  const __m256d hi1 = _mm256_add_pd(x, _mm256_set1_pd(kLn2Hi));
  const __m256d lo1 = _mm256_set1_pd(-kLn2Lo);
  const __m256d kd = _mm256_add_pd(_mm256_set1_pd(-0.5), _mm256_mul_pd(x, _mm256_set1_pd(kInvLn2)));
  __m128i ki = _mm256_cvttpd_epi32(kd);
  const __m256d tk = _mm256_cvtepi32_pd(ki);
  const __m256d hiG = _mm256_fnmadd_pd(tk, _mm256_set1_pd(kLn2Hi), x);
  const __m256d loG = _mm256_mul_pd(tk, _mm256_set1_pd(kLn2Lo));
  const __m256d hi = _mm256_blendv_pd(hi1, hiG, general);
  const __m256d lo = _mm256_blendv_pd(lo1, loG, general);
  const __m256d xred = _mm256_sub_pd(hi, lo);
  const __m256d c = _mm256_sub_pd(_mm256_sub_pd(hi, xred), lo);
  const __m256d xr = _mm256_blendv_pd(x, xred, reduce);

  // The rational approximation on the reduced argument.
  const __m256d hfx = _mm256_mul_pd(xr, _mm256_set1_pd(0.5));
  const __m256d hxs = _mm256_mul_pd(xr, hfx);
  const __m256d R1 = _mm256_fmadd_pd(hxs, _mm256_set1_pd(kQ1), one);
  const __m256d R2 = _mm256_fmadd_pd(hxs, _mm256_set1_pd(kQ3), _mm256_set1_pd(kQ2));
  const __m256d R3 = _mm256_fmadd_pd(hxs, _mm256_set1_pd(kQ5), _mm256_set1_pd(kQ4));
  const __m256d h2 = _mm256_mul_pd(hxs, hxs);
  const __m256d h4 = _mm256_mul_pd(h2, h2);
  const __m256d r1 = _mm256_fmadd_pd(h4, R3, _mm256_fmadd_pd(h2, R2, R1));
  const __m256d t = _mm256_fnmadd_pd(r1, hfx, _mm256_set1_pd(3.0));
  const __m256d den = _mm256_fnmadd_pd(xr, t, _mm256_set1_pd(6.0));
  const __m256d e = _mm256_mul_pd(_mm256_div_pd(_mm256_sub_pd(r1, t), den), hxs);

  // k = 0: x − (x·e − hxs).
  const __m256d res0 = _mm256_sub_pd(xr, _mm256_fmsub_pd(e, xr, hxs));
  // k ≠ 0: e ← (x(e − c) − c) − hxs.
  const __m256d e2 = _mm256_sub_pd(_mm256_fmsub_pd(_mm256_sub_pd(e, c), xr, c), hxs);
  // k = −1: 0.5(x − e) − 0.5.
  const __m256d resM1 = _mm256_fmadd_pd(_mm256_sub_pd(xr, e2), _mm256_set1_pd(0.5), _mm256_set1_pd(-0.5));
  // k ≤ −2: y = 1 − (e − x), k added to y's exponent, minus 1.
  const __m256d y = _mm256_sub_pd(one, _mm256_sub_pd(e2, xr));
  const __m256i kShift = _mm256_slli_epi64(_mm256_cvtepi32_epi64(ki), 52);
  const __m256d y2 = _mm256_castsi256_pd(_mm256_add_epi64(_mm256_castpd_si256(y), kShift));
  const __m256d resG = _mm256_sub_pd(y2, one);

  __m256d r = _mm256_blendv_pd(resM1, resG, general);
  r = _mm256_blendv_pd(res0, r, reduce);
  r = _mm256_blendv_pd(r, x, tiny);
  r = _mm256_blendv_pd(r, _mm256_set1_pd(-1.0), big);
  r = _mm256_blendv_pd(r, _mm256_add_pd(x, x), nan);
  return r;
}

// tanh(x) into f and sech²(x) into d, four lanes: act::one's case 3, operation for operation.
__attribute__((target("avx2,fma"), always_inline)) inline void tanhCore(__m256d x, __m256d &f, __m256d &d) {
  const __m256d sign = _mm256_set1_pd(-0.0);
  const __m256d ax = _mm256_andnot_pd(sign, x);
  const __m256d m = expm1NonPositive(_mm256_mul_pd(_mm256_set1_pd(-2.0), ax));
  const __m256d p = _mm256_add_pd(_mm256_set1_pd(2.0), m);
  const __m256d t = _mm256_div_pd(_mm256_xor_pd(m, sign), p);  // −m/(2 + m)
  const __m256d neg = _mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_LT_OQ);
  f = _mm256_blendv_pd(t, _mm256_xor_pd(t, sign), neg);
  const __m256d e = _mm256_add_pd(_mm256_set1_pd(1.0), m);
  d = _mm256_div_pd(_mm256_mul_pd(_mm256_set1_pd(4.0), e), _mm256_mul_pd(p, p));
}

// The three passes of ntkv_native.cc, each with its own finishing arithmetic written as
// there (the scalar tail is the same code on one entry).

// F = (tanh z − shift)·inv, D = sech² z·inv (D may be null).
__attribute__((target("avx2,fma"), noinline)) void affineAvx2(const double *z, double *F, double *D, long long n,
                                                               double shift, double inv) {
  const __m256d vs = _mm256_set1_pd(shift), vi = _mm256_set1_pd(inv);
  long long i = 0;
  for (; i + 4 <= n; i += 4) {
    __m256d f, d;
    tanhCore(_mm256_loadu_pd(z + i), f, d);
    _mm256_storeu_pd(F + i, _mm256_mul_pd(_mm256_sub_pd(f, vs), vi));
    if (D) _mm256_storeu_pd(D + i, _mm256_mul_pd(d, vi));
  }
  for (; i < n; ++i) {
    double f, d;
    tanhScalar(z[i], f, d);
    F[i] = (f - shift) * inv;
    if (D) D[i] = d * inv;
  }
}

// G = v·r·(sech² z·inv) over one column of h entries.
__attribute__((target("avx2,fma"), noinline)) void gradOuterAvx2(const double *z, const double *v, double r, double *G,
                                                                  long long n, double inv) {
  const __m256d vr = _mm256_set1_pd(r), vi = _mm256_set1_pd(inv);
  long long i = 0;
  for (; i + 4 <= n; i += 4) {
    __m256d f, d;
    tanhCore(_mm256_loadu_pd(z + i), f, d);
    _mm256_storeu_pd(G + i, _mm256_mul_pd(_mm256_mul_pd(_mm256_loadu_pd(v + i), vr), _mm256_mul_pd(d, vi)));
  }
  for (; i < n; ++i) {
    double f, d;
    tanhScalar(z[i], f, d);
    G[i] = v[i] * r * (d * inv);
  }
}

// F = (tanh z − shift)·inv, M = v·(sech² z·inv) over one column; M may be z.
__attribute__((target("avx2,fma"), noinline)) void weightedAvx2(const double *z, double *F, double *M, const double *v,
                                                                 long long n, double shift, double inv) {
  const __m256d vs = _mm256_set1_pd(shift), vi = _mm256_set1_pd(inv);
  long long i = 0;
  for (; i + 4 <= n; i += 4) {
    __m256d f, d;
    tanhCore(_mm256_loadu_pd(z + i), f, d);
    _mm256_storeu_pd(F + i, _mm256_mul_pd(_mm256_sub_pd(f, vs), vi));
    _mm256_storeu_pd(M + i, _mm256_mul_pd(_mm256_loadu_pd(v + i), _mm256_mul_pd(d, vi)));
  }
  for (; i < n; ++i) {
    double f, d;
    tanhScalar(z[i], f, d);
    F[i] = (f - shift) * inv;
    M[i] = v[i] * (d * inv);
  }
}

// Arguments on every branch of expm1(−2|x|): the branch edges of |x| (and their neighbours
// one ulp away), a logarithmic sweep from 1e-300 to 1e3, a dense uniform sweep over [−8, 8],
// and the special values.
bool selfCheck() {
  const int N = 24000;
  static double z[N], f1[N], d1[N];
  int k = 0;
  const double edges[] = {0x1p-55, 0.5 * 0.6931471805599453, 1.5 * 0.6931471805599453, 56 * 0.6931471805599453,
                          fromBits(0x3fd62e4300000000ULL), fromBits(0x3FF0A2B200000000ULL),
                          fromBits(0x4043687A00000000ULL), fromBits(0x3c90000000000000ULL)};
  for (double e : edges)
    for (double s : {0.5, 1.0}) {  // |x| = 2|z|
      const double b = e * s;
      for (double v : {std::nextafter(b, 0.0), b, std::nextafter(b, 1e300)}) {
        z[k++] = v;
        z[k++] = -v;
      }
    }
  const double specials[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, 5e-324, -5e-324, 2.2250738585072014e-308, 1e300, -1e300};
  for (double v : specials) z[k++] = v;
  uint64_t s = 0x9E3779B97F4A7C15ULL;
  auto next = [&]() { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return (double)(s >> 11) * 0x1p-53; };
  while (k < N / 2) {
    const double v = std::exp(-690.0 + 697.0 * next());
    z[k] = (k & 1) ? v : -v;
    ++k;
  }
  while (k < N) z[k++] = -8.0 + 16.0 * next();
  const volatile long long len = N;  // (a constant length makes GCC warn about the tail loop)
  affineAvx2(z, f1, d1, len, 0.0, 1.0);
  for (int i = 0; i < N; ++i) {
    double f0, d0;
    tanhScalar(z[i], f0, d0);
    if (std::memcmp(&f0, &f1[i], 8) != 0 || std::memcmp(&d0, &d1[i], 8) != 0) return false;
  }
  return true;
}

int state = -1;  // −1 unknown, 0 off, 1 on
bool forcedOff = false;

}  // namespace

bool tanhVecAvailable() {
  // Decided once, on the first call (the addon's module init makes that call, so the result
  // is settled before any thread of a pass can ask).
  if (state < 0) {
    __builtin_cpu_init();
    state = (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && selfCheck()) ? 1 : 0;
  }
  return state == 1;
}

bool tanhVecEnabled() { return !forcedOff && tanhVecAvailable(); }

void setTanhVecForcedOff(bool off) { forcedOff = off; }

// The passes below use the lanes; callers check tanhVecEnabled() first.
void tanhAffine(const double *z, double *F, double *D, long long n, double shift, double inv) {
  affineAvx2(z, F, D, n, shift, inv);
}
void tanhGradOuter(const double *z, const double *v, double r, double *G, long long n, double inv) {
  gradOuterAvx2(z, v, r, G, n, inv);
}
void tanhWeighted(const double *z, double *F, double *M, const double *v, long long n, double shift, double inv) {
  weightedAvx2(z, F, M, v, n, shift, inv);
}

}  // namespace ntkv_vec
