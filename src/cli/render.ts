// Output helpers: colour only on a terminal (chalk honours NO_COLOR/FORCE_COLOR), plain text under cron.
import chalk from 'chalk';

const c = chalk;
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
