// Output helpers: colour only on a terminal, plain text under cron. Colour is decided once, here.
import { Chalk, supportsColor, type ColorSupportLevel } from 'chalk';

/**
 * FORCE_COLOR wins when set (0 or false turns colour off, 1-3 force that level even off a terminal,
 * as chalk reads it); otherwise a non-empty NO_COLOR turns colour off (https://no-color.org, which
 * chalk 5 ignores); otherwise colour when stdout is a terminal that supports it.
 */
export function colourLevel(env: NodeJS.ProcessEnv = process.env): ColorSupportLevel {
  if (env.FORCE_COLOR === undefined && env.NO_COLOR) return 0;
  return supportsColor ? supportsColor.level : 0;
}

const c = new Chalk({ level: colourLevel() });
export const colour = c.level > 0;
export const style = {
  error: (s: string) => c.red.bold(s),
  warn: (s: string) => c.yellow(s),
  ok: (s: string) => c.green(s),
  dim: (s: string) => c.dim(s),
  bold: (s: string) => c.bold(s),
};

export function num(n: number): string {
  return n.toLocaleString('en-GB');
}

export function plural(n: number, word: string): string {
  return `${num(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** Left-aligned text table with a header row. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = tableLine(columnWidths(headers, rows));
  return [line(headers), ...rows.map((r) => line(r))].join('\n') + '\n';
}

/** The widest cell of each column (a loop: spreading many rows into Math.max overflows the stack). */
export function columnWidths(headers: readonly string[], rows: readonly (readonly string[])[]): number[] {
  const widths = headers.map((h) => h.length);
  for (const r of rows) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], (r[i] ?? '').length);
  return widths;
}

/**
 * Formats one row padded to `widths`; `shown` is what the terminal displays when it differs from
 * the text measured (a dimmed cell carries escape codes that take no room).
 */
export function tableLine(widths: readonly number[]) {
  return (cells: readonly string[], shown?: readonly string[]): string =>
    cells.map((v, i) => (shown?.[i] ?? v) + ' '.repeat(Math.max(0, widths[i] - v.length))).join('  ').trimEnd();
}

export function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}
