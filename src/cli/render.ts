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
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

export function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}
