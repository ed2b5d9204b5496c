// `bmrs check --api`: the old runbook's "test the endpoint still works" as a check. For each
// real-time dataset, ask the configured API for a small recent window through the API client the
// loads use, and verify the answer with ingest's own rules (decode, then prepareWindow: every row
// inside the window asked for), so an API that starts ignoring a parameter is caught that day.
import { findDataset, type DatasetSpec } from './datasets.js';
import { decodeRows } from './decode.js';
import { BmrsError, DataError, TransientError } from './errors.js';
import type { ApiClient, Clock } from './ports.js';
import { prepareWindow } from './prepare.js';
import { tableColumns } from './table.js';
import { planWindows } from './windows.js';
import { toIsoZ } from './calendar.js';
import type { Finding } from './health.js';

/** The datasets `bmrs update` keeps fresh, probed by `--api`. */
export const REALTIME_DATASETS: readonly DatasetSpec[] = ['FUELINST', 'WIND_SOLAR_GEN', 'MID'].map((c) => findDataset(c)!);

/** How far back the probe asks: long enough for the slowest of them (wind and solar, about an hour late) to show rows. */
export const PROBE_MINUTES = 120;

export interface ApiProbe {
  readonly dataset: string;
  readonly window: { readonly from: string; readonly to: string };
  /** False when the API could not be reached (or retries ran out): exit 75. */
  readonly reachable: boolean;
  readonly ok: boolean;
  /** Wall time of the request(s), retries included. */
  readonly latencyMs: number;
  readonly rows: number | null;
  /** Whether every row lies in the window asked for; null when no row was verified (none came, or the request failed). */
  readonly windowHonoured: boolean | null;
  readonly error: { readonly name: string; readonly exitCode: number; readonly message: string } | null;
}

export async function probeApi(api: ApiClient, clock: Clock, d: DatasetSpec): Promise<ApiProbe> {
  const step = 5 * 60_000;
  const to = Math.floor(clock.now() / step) * step;
  const from = to - PROBE_MINUTES * 60_000;
  const windows = planWindows(d, { kind: 'instants', from, to });
  const table = { name: d.table, spec: d, columns: tableColumns(d), created: false };
  const started = clock.monotonic();
  const base = { dataset: d.code, window: { from: toIsoZ(from), to: toIsoZ(to) } };
  let rows = 0;
  try {
    for (const w of windows) {
      const stream = w.path.endsWith('/stream');
      const raws = await api.fetch(w.path, w.query, (body, type) => decodeRows(d, stream, body, type));
      rows += raws.length;
      prepareWindow(w, table, raws, clock.nowMicros());
    }
  } catch (e) {
    if (!(e instanceof BmrsError)) throw e;
    const latencyMs = Math.round(clock.monotonic() - started);
    const error = { name: e.name, exitCode: e.exitCode, message: e.message };
    const outside = e instanceof DataError && / outside the requested window /.test(e.message);
    return { ...base, reachable: !(e instanceof TransientError), ok: false, latencyMs, rows: e instanceof TransientError ? null : rows, windowHonoured: outside ? false : null, error };
  }
  return { ...base, reachable: true, ok: true, latencyMs: Math.round(clock.monotonic() - started), rows, windowHonoured: rows > 0 ? true : null, error: null };
}

/**
 * A failed probe; and a real-time dataset the API answered with no row at all: FUELINST, MID and
 * WIND_SOLAR_GEN always have rows in the last two hours, so an empty answer means the API stopped
 * publishing (or quietly ignores a parameter). Other datasets (--dataset) may well be empty.
 */
export function apiFindings(probes: readonly ApiProbe[]): Finding[] {
  const out: Finding[] = [];
  for (const p of probes) {
    const where = `API ${p.dataset} [${p.window.from}, ${p.window.to})`;
    if (!p.ok) {
      const kind = !p.reachable ? 'api-unreachable' : p.windowHonoured === false ? 'api-window' : 'api-failed';
      out.push({ kind, dataset: p.dataset, message: `${where}: ${p.error?.message ?? 'failed'}` });
    } else if (p.rows === 0 && REALTIME_DATASETS.some((d) => d.code === p.dataset)) {
      out.push({ kind: 'api-empty', dataset: p.dataset, message: `${where}: no rows; the API has published nothing for the last ${PROBE_MINUTES} minutes` });
    }
  }
  return out;
}
