// tanh x and sech² x from one exponential, the scalar path of the addon (ntkv_native.cc's
// act::one, case 3) and the reference the four-lane path (vec_tanh.cc) must equal bit for bit:
// with m = expm1(−2|x|), e = 1 + m, tanh|x| = −m/(2 + m) and sech² x = 4e/(1 + e)² (no
// cancellation near 0 or in the tails). One definition, so the two cannot drift apart.
#pragma once
#include <cmath>

namespace ntkv_vec {

inline void tanhScalar(double x, double &f, double &d) {
  const double ax = std::fabs(x);
  const double m = std::expm1(-2.0 * ax);
  const double t = -m / (2.0 + m);
  f = x < 0 ? -t : t;
  const double e = 1.0 + m;
  d = 4.0 * e / ((2.0 + m) * (2.0 + m));
}

}  // namespace ntkv_vec
