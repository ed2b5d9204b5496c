// Lenient date-time parsing in the spirit of ASP.NET model binding: a date alone is midnight UTC,
// a date-time without a zone is UTC, an explicit Z or offset is honoured.
const RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Epoch ms of a date or date-time parameter; NaN when it cannot be read. */
export function parseDateTime(s: string): number {
  const m = RE.exec(s.trim());
  if (!m) return NaN;
  const [, y, mo, d, h = '0', mi = '0', se = '0', frac = '', zone] = m;
  const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +se, Math.floor(Number(`0.${frac || '0'}`) * 1000));
  const back = new Date(ms);
  if (back.getUTCDate() !== +d || back.getUTCMonth() !== +mo - 1 || back.getUTCHours() !== +h || +mi > 59 || +se > 59) {
    return NaN;
  }
  if (!zone || zone.toUpperCase() === 'Z') return ms;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return ms - sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60_000;
}

/** The calendar date written at the start of a parameter (its time ignored), or undefined. */
export function datePart(s: string): string | undefined {
  const m = /^\s*(\d{4}-\d{2}-\d{2})/.exec(s);
  return m && !Number.isNaN(parseDateTime(m[1])) ? m[1] : undefined;
}
