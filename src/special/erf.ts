/**
 * The error function and its complement to full double precision.
 *
 * Method: the piecewise rational approximations published with fdlibm's s_erf.c
 * (Sun Microsystems, 1993), which its authors bound by < 1 ulp on each interval. The
 * coefficients below are those published constants; the evaluation is written here from
 * the published formulas:
 *
 *   |x| < 0.84375:        erf(x) = x + x·R(x²),             R = P/Q (degrees 4/5 in x²)
 *                          erfc(x) = 1 − erf(x) for x < 1/4, else 0.5 − (x·R + (x − 0.5))
 *   0.84375 ≤ |x| < 1.25:  with s = |x| − 1, erf(|x|) = erx + P(s)/Q(s)   (erx ≈ erf(1) rounded
 *                          to 32 bits, so 1 − erx is exact), erfc = (1 − erx) − P/Q
 *   1.25 ≤ |x| < 28:       erfc(|x|) = exp(−z² − 0.5625) · exp((z − x)(z + x) + R(1/x²)/S(1/x²)) / |x|
 *                          with z = |x| rounded to 21 significant bits so that z² is exact
 *                          (two intervals: |x| < 1/0.35 and ≥ 1/0.35); erf = 1 − erfc
 *   |x| ≥ 6:  erf = ±1 (to double precision);  x ≥ 28: erfc underflows (returns 0 beyond ~27.3).
 *   (For erf itself on 1.25 ≤ |x| < 6 the two exp() calls are merged into one — see
 *   erfcTailForErf — which is exact to well below half an ulp of erf and twice as fast.)
 *
 * The 21-bit split of z is done arithmetically (Veltkamp: multiply by 2³²+1), which is
 * equivalent for our purpose to fdlibm's clearing of the low 32 bits of the double.
 */

const ERX = 8.45062911510467529297e-1;
const EFX = 1.28379167095512586316e-1; // 2/√π − 1

// |x| < 0.84375
const PP0 = 1.28379167095512558561e-1;
const PP1 = -3.25042107247001499370e-1;
const PP2 = -2.84817495755985104766e-2;
const PP3 = -5.77027029648944159157e-3;
const PP4 = -2.37630166566501626084e-5;
const QQ1 = 3.97917223959155352819e-1;
const QQ2 = 6.50222499887672944485e-2;
const QQ3 = 5.08130628187576562776e-3;
const QQ4 = 1.32494738004321644526e-4;
const QQ5 = -3.96022827877536812320e-6;

// 0.84375 ≤ |x| < 1.25
const PA0 = -2.36211856075265944077e-3;
const PA1 = 4.14856118683748331666e-1;
const PA2 = -3.72207876035701323847e-1;
const PA3 = 3.18346619901161753674e-1;
const PA4 = -1.10894694282396677476e-1;
const PA5 = 3.54783043256182359371e-2;
const PA6 = -2.16637559486879084300e-3;
const QA1 = 1.06420880400844228286e-1;
const QA2 = 5.40397917702171048937e-1;
const QA3 = 7.18286544141962662868e-2;
const QA4 = 1.26171219808761642112e-1;
const QA5 = 1.36370839120290507362e-2;
const QA6 = 1.19844998467991074170e-2;

// 1.25 ≤ |x| < 1/0.35
const RA0 = -9.86494403484714822705e-3;
const RA1 = -6.93858572707181764372e-1;
const RA2 = -1.05586262253232909814e1;
const RA3 = -6.23753324503260060396e1;
const RA4 = -1.62396669462573470355e2;
const RA5 = -1.84605092906711035994e2;
const RA6 = -8.12874355063065934246e1;
const RA7 = -9.81432934416914548592;
const SA1 = 1.96512716674392571292e1;
const SA2 = 1.37657754143519042600e2;
const SA3 = 4.34565877475229228821e2;
const SA4 = 6.45387271733267880336e2;
const SA5 = 4.29008140027567833386e2;
const SA6 = 1.08635005541779435134e2;
const SA7 = 6.57024977031928170135;
const SA8 = -6.04244152148580987438e-2;

// 1/0.35 ≤ |x| < 28
const RB0 = -9.86494292470009928597e-3;
const RB1 = -7.99283237680523006574e-1;
const RB2 = -1.77579549177547519889e1;
const RB3 = -1.60636384855821916062e2;
const RB4 = -6.37566443368389627722e2;
const RB5 = -1.02509513161107724954e3;
const RB6 = -4.83519191608651397019e2;
const SB1 = 3.03380607434824582924e1;
const SB2 = 3.25792512996573918826e2;
const SB3 = 1.53672958608443695994e3;
const SB4 = 3.19985821950859553908e3;
const SB5 = 2.55305040643316442583e3;
const SB6 = 4.74528541206955367215e2;
const SB7 = -2.24409524465858183362e1;

const INV_035 = 1 / 0.35;
const SPLIT = 4294967297; // 2^32 + 1

/** R(x²) on |x| < 0.84375: erf(x) = x + x·R. */
function smallRatio(z: number): number {
  const r = PP0 + z * (PP1 + z * (PP2 + z * (PP3 + z * PP4)));
  const s = 1 + z * (QQ1 + z * (QQ2 + z * (QQ3 + z * (QQ4 + z * QQ5))));
  return r / s;
}

/** P(s)/Q(s) on 0.84375 ≤ |x| < 1.25, s = |x| − 1. */
function midRatio(s: number): number {
  const p = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
  const q = 1 + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
  return p / q;
}

/** R/S of the tail approximation at s = 1/ax². */
function tailRatio(ax: number, s: number): number {
  if (ax < INV_035) {
    const R = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
    const S = 1 + s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
    return R / S;
  }
  const R = RB0 + s * (RB1 + s * (RB2 + s * (RB3 + s * (RB4 + s * (RB5 + s * RB6)))));
  const S = 1 + s * (SB1 + s * (SB2 + s * (SB3 + s * (SB4 + s * (SB5 + s * (SB6 + s * SB7))))));
  return R / S;
}

/**
 * erfc(ax) for 1.25 ≤ ax < 6 with ONE exp, used only for erf = 1 − erfc: the rounding of
 * −ax² − 0.5625 changes erfc by a relative ≲ ax²·1.1e-16, i.e. erf by at most
 * max_x erfc(x)·x²·1.1e-16 ≈ 1.4e-17 absolute (x = 1.25) — below half an ulp of erf ≈ 1,
 * so the second exp (needed for erfc's relative accuracy) is not needed here.
 */
function erfcTailForErf(ax: number): number {
  return Math.exp(-ax * ax - 0.5625 + tailRatio(ax, 1 / (ax * ax))) / ax;
}

/** erfc(ax) for 1.25 ≤ ax < 28 (ax > 0), to full relative accuracy. */
function erfcTail(ax: number): number {
  const s = 1 / (ax * ax);
  const rs = tailRatio(ax, s);
  // z: ax with its 32 low-order significand bits rounded away, so −z² − 0.5625 is exact.
  const t = ax * SPLIT;
  const z = t - (t - ax);
  return (Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + rs)) / ax;
}

/** The error function erf(x) = (2/√π) ∫₀ˣ e^{−t²} dt. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 3.725290298461914e-9) return x + EFX * x; // |x| < 2^-28
    return x + x * smallRatio(x * x);
  }
  if (ax < 1.25) {
    const v = ERX + midRatio(ax - 1);
    return x >= 0 ? v : -v;
  }
  if (ax >= 6) return x > 0 ? 1 : x < 0 ? -1 : x; // NaN passes through
  const v = 1 - erfcTailForErf(ax);
  return x >= 0 ? v : -v;
}

/** The complementary error function erfc(x) = 1 − erf(x), accurate in the far right tail. */
export function erfc(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 1.3877787807814457e-17) return 1 - x; // |x| < 2^-56
    const y = smallRatio(x * x);
    if (x < 0.25) return 1 - (x + x * y);
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ax < 1.25) {
    const pq = midRatio(ax - 1);
    return x >= 0 ? 1 - ERX - pq : 1 + (ERX + pq);
  }
  if (Number.isNaN(x)) return x;
  if (ax < 28) {
    if (x < -6) return 2;
    const r = erfcTail(ax);
    return x > 0 ? r : 2 - r;
  }
  return x > 0 ? 0 : 2;
}
