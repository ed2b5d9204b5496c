// Runs `bmrs ingest ... --json` as a child process, as the old job ran its fetch script: this very
// Node (process.execPath) and this very bin/bmrs.js, no shell, in a process group of its own so that
// the timeout (and our own exit) ends it with everything it started. Its --json report is read from
// stdout; its stderr (notes, waits for the store, failures) passes through for cron's log.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { childExitCode } from '../../core/update-plan.js';

export const BMRS_BIN = new URL('../../../bin/bmrs.js', import.meta.url).pathname;

/** What `bmrs ingest --json` prints (src/cli/ingest/report.ts), as far as the update reads it. */
export interface IngestJson {
  readonly ok: boolean;
  readonly exitCode: number;
  readonly datasets?: readonly {
    readonly dataset: string;
    readonly windows: number;
    readonly fetched: number;
    readonly inserted: number;
    readonly skipped: number;
    /** Rows of a neighbouring window (shared boundary instants): counted by their own window. */
    readonly outside?: number;
    readonly failures: readonly { readonly from: string; readonly to: string; readonly error: string; readonly exitCode: number; readonly message: string }[];
  }[];
  /** A run that could not start (usage, store held past the wait). */
  readonly error?: { readonly name: string; readonly message: string; readonly hint?: string };
}

export interface ChildResult {
  readonly code: number;
  readonly timedOut: boolean;
  readonly pid: number | undefined;
  /** The parsed report, or null when the child printed none (killed, crashed). */
  readonly report: IngestJson | null;
  readonly seconds: number;
}

export interface ChildOptions {
  readonly args: readonly string[];
  /** The script Node runs: bin/bmrs.js unless a test stands in for it. */
  readonly script?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  /** Each line the child writes to stderr. */
  readonly onStderr: (line: string) => void;
  /** Called once the child runs, with its PID (tests, logs). */
  readonly onStart?: (pid: number) => void;
  /** After SIGTERM at the timeout, SIGKILL follows this much later if the group still runs. */
  readonly killGraceMs?: number;
}

export function runChild(o: ChildOptions): Promise<ChildResult> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [o.script ?? BMRS_BIN, ...o.args], { env: o.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const group = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  // If this process ends first (a signal, a crash), the child's group ends with it.
  const onExit = () => group('SIGTERM');
  process.on('exit', onExit);
  if (child.pid !== undefined) o.onStart?.(child.pid);

  let stdout = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    const lines = (pending + d).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) o.onStderr(line);
  });

  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    group('SIGTERM');
    killTimer = setTimeout(() => group('SIGKILL'), o.killGraceMs ?? 5_000);
  }, o.timeoutMs);

  return new Promise((resolve, reject) => {
    child.on('error', (e) => {
      clearTimeout(timer);
      process.off('exit', onExit);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      process.off('exit', onExit);
      if (pending) o.onStderr(pending);
      resolve({
        code: childExitCode(code, signal, timedOut, (s) => constants.signals[s as NodeJS.Signals] ?? 0),
        timedOut,
        pid: child.pid,
        report: parseReport(stdout),
        seconds: (performance.now() - t0) / 1000,
      });
    });
  });
}

function parseReport(text: string): IngestJson | null {
  try {
    const r = JSON.parse(text) as IngestJson;
    return typeof r === 'object' && r !== null && typeof r.exitCode === 'number' ? r : null;
  } catch {
    return null;
  }
}
