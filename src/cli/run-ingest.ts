// Wires `bmrs ingest`: configuration, the HTTP client, the sink, the use case, and the report.
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { createArchive } from '../adapters/archive.js';
import { fixedClock, systemClock } from '../adapters/clock.js';
import { createHttpClient } from '../adapters/http.js';
import { loadConfig } from '../config.js';
import { toIsoZ } from '../core/calendar.js';
import { EXIT, UsageError } from '../core/errors.js';
import { ingest, type DatasetReport, type WindowOutcome } from '../core/ingest.js';
import { parseDatasets, parseRange } from '../core/range.js';
import { planWindows, windowUrl } from '../core/windows.js';
import type { IngestOptions } from './commands/ingest.js';
import { num, plural, style, writeJson } from './render.js';
import { VERSION } from '../version.js';

export async function runIngest(opts: IngestOptions): Promise<number> {
  const config = loadConfig({ db: opts.db, apiBase: opts.apiBase });
  const clock = config.now === undefined ? systemClock() : fixedClock(config.now);
  const datasets = parseDatasets(opts.dataset);
  const range = parseRange(opts.from, opts.to, clock.now());
  const concurrency = Number(opts.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 32, got ${opts.concurrency}`);
  }

  if (opts.dryRun) {
    const plan = datasets.map((d) => ({ dataset: d.code, table: d.table, windows: planWindows(d, range) }));
    if (opts.json) {
      writeJson(plan.map((p) => ({ ...p, windows: p.windows.map((w) => ({ from: toIsoZ(w.from), to: toIsoZ(w.to), url: windowUrl(config.apiBase, w) })) })));
    } else {
      for (const p of plan) {
        process.stdout.write(`${p.dataset} -> ${p.table}: ${plural(p.windows.length, 'window')}\n`);
        for (const w of p.windows) process.stdout.write(`  [${toIsoZ(w.from)}, ${toIsoZ(w.to)})  GET ${windowUrl(config.apiBase, w)}\n`);
      }
    }
    return EXIT.ok;
  }

  if (opts.archive) await checkWritableDir(opts.archive);
  const { openDuckDbSink } = await import('../sinks/duckdb.js');
  const sink = await openDuckDbSink(config.duckdbPath);
  const progress = !opts.quiet && !opts.json && process.stderr.isTTY;
  let done = 0;
  try {
    const reports = await ingest(
      {
        api: createHttpClient({ base: config.apiBase, timeoutMs: config.timeoutMs, retry: config.retry, userAgent: `bmrs/${VERSION}` }),
        sink,
        clock,
        archive: opts.archive ? createArchive(opts.archive) : undefined,
        onWindow: progress ? (o: WindowOutcome) => process.stderr.write(`\r${o.window.dataset.code}: ${++done} windows done`) : undefined,
      },
      { datasets, range, concurrency },
    );
    if (progress) process.stderr.write('\r\x1b[K');
    const code = exitCodeOf(reports);
    if (opts.json) writeJson(toJson(reports, config.duckdbPath, code));
    else printReports(reports, config.duckdbPath);
    return code;
  } finally {
    await sink.close();
  }
}

/** Refuse an archive folder that cannot be written before anything is fetched. */
async function checkWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (e) {
    throw new UsageError(`cannot write the archive folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      hint: 'point --archive at a writable folder',
    });
  }
}

/** The most serious failure decides: a bug (70), then data (65), then transient (75). */
function exitCodeOf(reports: readonly DatasetReport[]): number {
  const codes = new Set(reports.flatMap((r) => r.failures.map((f) => f.error.exitCode)));
  return [EXIT.internal, EXIT.data, EXIT.transient].find((c) => codes.has(c)) ?? (codes.size ? EXIT.internal : EXIT.ok);
}

function printReports(reports: readonly DatasetReport[], db: string): void {
  for (const r of reports) {
    const failed = r.failures.length;
    const mark = failed ? style.error('✗') : style.ok('✓');
    process.stdout.write(
      `${mark} ${r.dataset}: ${plural(r.windows, 'window')}, ${num(r.fetched)} fetched, ${num(r.inserted)} inserted, ` +
        `${num(r.skipped)} skipped as duplicates${r.outside ? `, ${num(r.outside)} left to neighbouring windows` : ''}` +
        `${failed ? `, ${failed} failed` : ''} in ${r.seconds.toFixed(1)}s -> ${r.table} (${db})\n`,
    );
    if (r.pending || r.partial) {
      const parts = [r.pending ? `${plural(r.pending, 'window')} after now not fetched` : '', r.partial ? 'the last window reaches past now' : ''];
      process.stderr.write(`${style.dim(`note: ${r.dataset}: ${parts.filter(Boolean).join('; ')}; a later run loads what is published by then`)}\n`);
    }
    if (r.unknownFields.length) {
      process.stderr.write(`${style.warn('warning:')} ${r.dataset}: the API sent fields bmrs does not know, not stored: ${r.unknownFields.join(', ')}\n`);
    }
    for (const f of r.failures) {
      process.stderr.write(`${style.error('error:')} ${r.dataset} [${toIsoZ(f.window.from)}, ${toIsoZ(f.window.to)}): ${f.error.message}\n`);
      if (f.error.hint) process.stderr.write(`${style.dim(`hint: ${f.error.hint}`)}\n`);
    }
  }
}

function toJson(reports: readonly DatasetReport[], db: string, exitCode: number) {
  return {
    ok: exitCode === EXIT.ok,
    exitCode,
    store: db,
    datasets: reports.map((r) => ({
      dataset: r.dataset,
      table: r.table,
      windows: r.windows,
      pending: r.pending,
      partial: r.partial,
      fetched: r.fetched,
      outside: r.outside,
      inserted: r.inserted,
      skipped: r.skipped,
      seconds: Number(r.seconds.toFixed(3)),
      unknownFields: r.unknownFields,
      failures: r.failures.map((f) => ({
        from: toIsoZ(f.window.from),
        to: toIsoZ(f.window.to),
        error: f.error.name,
        exitCode: f.error.exitCode,
        retryable: f.error.retryable,
        message: f.error.message,
      })),
    })),
  };
}


