// Progress of an ingest, drawn from the numbers in progress-numbers.ts. On a terminal: a cli-progress
// bar per dataset (windows done/total, rows, rows/s, time left), cleared before the summary. Off a
// terminal (cron, pipes) and under --json: a plain `progress:` line on stderr every
// BMRS_PROGRESS_SECONDS, so a short cron run prints none and a long backfill one now and then.
// Under --quiet: nothing.
import cliProgress from 'cli-progress';
import type { RunEvent } from '../../core/runner.js';
import { num, style } from '../render.js';
import { progressNumbers, type DatasetProgress } from './progress-numbers.js';

export interface Progress {
  readonly onEvent: ((e: RunEvent) => void) | undefined;
  /** Prints a line on stderr above the bars (a plain line when none are drawn). */
  note(line: string): void;
  /** Stops drawing and clears the bars; safe to call more than once. */
  done(): void;
}

export type ProgressMode = { readonly kind: 'off' } | { readonly kind: 'bars' } | { readonly kind: 'lines'; readonly everyMs: number };

export function progressMode(o: { quiet: boolean; json: boolean; stderrIsTTY: boolean; everyMs: number }): ProgressMode {
  if (o.quiet) return { kind: 'off' };
  if (o.stderrIsTTY && !o.json) return { kind: 'bars' };
  return o.everyMs > 0 ? { kind: 'lines', everyMs: o.everyMs } : { kind: 'off' };
}

/** `now`: a monotonic clock in ms, for rates and time left. */
export function progressReporter(mode: ProgressMode, now: () => number): Progress {
  if (mode.kind === 'off') return { onEvent: undefined, note: plainNote, done: () => undefined };
  return mode.kind === 'bars' ? bars(now) : lines(now, mode.everyMs);
}

function lines(now: () => number, everyMs: number): Progress {
  const numbers = progressNumbers(now);
  const timer = setInterval(() => {
    const snapshot = numbers.snapshot();
    if (snapshot.length) process.stderr.write(`${progressLine(snapshot)}\n`);
  }, everyMs);
  timer.unref();
  return { onEvent: (e) => numbers.onEvent(e), note: plainNote, done: () => clearInterval(timer) };
}

function bars(now: () => number): Progress {
  const numbers = progressNumbers(now);
  let codeWidth = 0;
  let multibar: cliProgress.MultiBar | undefined;
  const find = (dataset: string) => numbers.snapshot().find((p) => p.dataset === dataset);
  return {
    onEvent(e) {
      numbers.onEvent(e);
      if (e.type !== 'planned' || e.datasets.length === 0 || multibar) return;
      codeWidth = Math.max(...e.datasets.map((d) => d.dataset.length));
      multibar = new cliProgress.MultiBar({
        stream: process.stderr,
        fps: 5,
        clearOnComplete: true,
        // Trim to the terminal's width rather than turn its line wrapping off, which an interrupted
        // run would leave off; barLine fits the width anyway.
        linewrap: true,
        hideCursor: false,
        gracefulExit: false,
        format: (_options, params, payload: { dataset: string }) => {
          const p = find(payload.dataset);
          return p ? barLine(p, codeWidth, params.maxWidth) : payload.dataset;
        },
      });
      for (const d of e.datasets) multibar.create(d.windows, 0, { dataset: d.dataset });
      multibar.update(); // draw at once, not a frame later
    },
    note(line) {
      if (multibar) multibar.log(`${line}\n`);
      else plainNote(line);
    },
    done() {
      multibar?.stop();
      multibar = undefined;
    },
  };
}

const plainNote = (line: string): void => void process.stderr.write(`${line}\n`);

/** The numbers as words: windows done/total, failed (if any), rows, rows/s and time left once known. */
function parts(p: DatasetProgress, eta: (left: string) => string): string[] {
  const out = [`${num(p.done)}/${num(p.total)} windows`];
  if (p.failed) out.push(`${num(p.failed)} failed`);
  out.push(`${num(p.rows)} rows`);
  if (p.rowsPerSecond !== undefined) out.push(`${num(Math.round(p.rowsPerSecond))} rows/s`);
  if (p.etaMs !== undefined && p.done < p.total) out.push(eta(approxDuration(p.etaMs)));
  return out;
}

/** The plain line off a terminal, every dataset of the run in order: `progress: FUELINST 12/90 windows, ...; MID ...`. */
export function progressLine(snapshot: readonly DatasetProgress[]): string {
  const one = (p: DatasetProgress) => `${p.dataset} ${parts(p, (left) => `about ${left} left`).join(', ')}`;
  return `progress: ${snapshot.map(one).join('; ')}`;
}

const BAR_MAX = 20;
const BAR_MIN = 4;
const TEXT_ROOM = 52;

/**
 * One dataset's bar on a terminal, `FUELINST ████░░░░ 12/90 windows · 69,120 rows · 8,400 rows/s ·
 * ETA 9 s`, at most `width - 1` characters as written, colour codes included (cli-progress trims
 * what it writes to the width by characters): the bar shrinks, then goes, then the text is cut.
 */
export function barLine(p: DatasetProgress, codeWidth: number, width: number): string {
  const head = p.dataset.padEnd(codeWidth);
  const text = parts(p, (left) => `ETA ${left}`).join(' · ');
  const overhead = style.dim('x').length - 1;
  // Room for a typical text whether or not it is that long yet, so the bar keeps its size.
  const size = Math.min(BAR_MAX, width - 1 - head.length - Math.max(text.length, TEXT_ROOM) - 2 - overhead);
  if (size < BAR_MIN) return `${head} ${text}`.slice(0, Math.max(0, width - 1));
  const filled = Math.round((p.total ? p.done / p.total : 1) * size);
  return `${head} ${'█'.repeat(filled)}${style.dim('░'.repeat(size - filled))} ${text}`;
}

/** 9 s, 4 min, 1 h 20 min: the time left, no more precise than it can be. */
export function approxDuration(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}
