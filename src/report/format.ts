/**
 * Formatting shared by the report writers: numbers (3 significant digits, scientific
 * notation outside [1e-3, 1e5)), durations, verdict badges, HTML and Markdown escaping,
 * and file names that are safe on every file system and in a URL without encoding.
 */
import type { Verdict } from '../runner/define';

/** Magnitudes at or above this are shown as ±∞ (acceptance intervals of one-sided bounds). */
const INFINITE = 1e100;

/**
 * A number with `sig` significant digits: "-0.512", "1.23e-5", "4.56e+7" is "4.56e7",
 * integers ≥ 1000 rounded ("1235"). Non-finite values read "NaN", "∞", "-∞".
 */
export function fmtNum(v: number | undefined | null, sig = 3): string {
  if (v === undefined || v === null) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v) || Math.abs(v) >= INFINITE) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(Math.max(0, sig - 1)).replace('e+', 'e');
  const s = v.toPrecision(sig);
  if (s.includes('e')) return Math.round(v).toString();
  return s;
}

/**
 * A value without padding zeros: integers as they are ("2000"), others with up to `sig`
 * significant digits ("2.5", "0.125", "1.5e-7"). For sweep values, meta and check sides.
 */
export function fmtShort(v: number, sig = 4): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const s = fmtNum(v, sig);
  return s.replace(/(\.\d*?)0+(?=$|e)/, '$1').replace(/\.(?=$|e)/, '');
}

/** "[lo, hi]" with 3 significant digits. */
export function fmtInterval(lo: number, hi: number, sig = 3): string {
  return `[${fmtNum(lo, sig)}, ${fmtNum(hi, sig)}]`;
}

/** Confidence level as a percentage ("95%"), accepting 0.95 or 95. */
export function fmtLevel(level: number): string {
  const pct = level <= 1 ? level * 100 : level;
  return `${Number(pct.toPrecision(3))}%`;
}

/** "850 ms", "12.3 s", "3 min 12 s", "2 h 5 min". */
export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  // Round to the last unit shown first, so 59.97 s is "1 min 0 s" and 2 h 59.6 min "3 h 0 min" (never "60").
  if (s < 59.95) return `${s.toFixed(1)} s`;
  const S = Math.round(s);
  if (S < 3600) return `${Math.floor(S / 60)} min ${S % 60} s`;
  const M = Math.round(s / 60);
  return `${Math.floor(M / 60)} h ${M % 60} min`;
}

export const VERDICT_ICON: Record<Verdict, string> = { CONFIRMED: '✅', REFUTED: '❌', INCONCLUSIVE: '❔' };

/** "✅ CONFIRMED" */
export function verdictBadge(v: Verdict): string {
  return `${VERDICT_ICON[v]} ${v}`;
}

/** Severity order for "worst verdict": REFUTED > INCONCLUSIVE > CONFIRMED. */
const SEVERITY: Record<Verdict, number> = { CONFIRMED: 0, INCONCLUSIVE: 1, REFUTED: 2 };

export function worstVerdict(vs: readonly Verdict[]): Verdict | undefined {
  let w: Verdict | undefined;
  for (const v of vs) if (w === undefined || SEVERITY[v] > SEVERITY[w]) w = v;
  return w;
}

/** The sweep variable as a reader knows it ("eta" → "η"). */
export function variableSymbol(v: string): string {
  return v === 'eta' ? 'η' : v;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: unknown): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Text for Markdown: single line, tag-like `<` neutralized (so "<b>" is shown, not
 * interpreted by renderers that allow inline HTML), `&` kept readable.
 */
export function mdText(s: unknown): string {
  return String(s ?? '')
    .replace(/\r?\n/g, ' ')
    .replace(/&(?=[A-Za-z#][A-Za-z0-9]*;)/g, '&amp;')
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;');
}

/** Text for a Markdown table cell: as mdText, with `|` escaped. */
export function mdCell(s: unknown): string {
  return mdText(s).replace(/\|/g, '\\|');
}

/**
 * A file-name stem from any string: characters outside [A-Za-z0-9_.-] become '_', no
 * leading dot, never empty. Safe in paths and in relative URLs without encoding.
 */
export function safeStem(s: string): string {
  let t = s.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_');
  if (t.length > 80) t = t.slice(0, 80);
  return t.length > 0 ? t : '_';
}

/** Hands out unique names (case-insensitively, for case-insensitive file systems). */
export class NameAllocator {
  private readonly used = new Set<string>();

  constructor(reserved: readonly string[] = []) {
    for (const r of reserved) this.used.add(r.toLowerCase());
  }

  /** `stem + suffix`, or `stem-2 + suffix`, `stem-3 + suffix`, … when already taken. */
  take(stem: string, suffix = ''): string {
    let name = stem + suffix;
    for (let k = 2; this.used.has(name.toLowerCase()); k++) name = `${stem}-${k}${suffix}`;
    this.used.add(name.toLowerCase());
    return name;
  }
}
