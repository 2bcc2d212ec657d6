/**
 * Pretty JSON for results.json: objects one key a line (2-space indent), but arrays of
 * numbers (spectra, per-trial values) and arrays of short number tuples (series pairs)
 * kept on one line, so a run with spectra stays readable and diff-able. Same values as
 * JSON.stringify (non-finite numbers become null, undefined members are left out).
 */
function isNumberTuple(v: unknown): boolean {
  return Array.isArray(v) && v.length <= 4 && v.every((t) => typeof t === 'number');
}

export function prettyJson(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((t) => typeof t === 'number') || value.every(isNumberTuple)) {
      return `[${value.map((t) => JSON.stringify(t)).join(', ')}]`;
    }
    return `[\n${value.map((t) => inner + (t === undefined || typeof t === 'function' ? 'null' : prettyJson(t, inner))).join(',\n')}\n${indent}]`;
  }
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return prettyJson(json.call(value), indent);
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== 'function');
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${prettyJson(v, inner)}`).join(',\n')}\n${indent}}`;
}
