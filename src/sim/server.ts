// The request handler: faults first, then routing, window parsing and the body.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { addDays, DAY_MS } from '../core/calendar.js';
import { handleAdmin } from './admin.js';
import { routeOf, type SimDataset } from './catalog.js';
import { answerFormat, csvChunks, CSV_TYPE } from './csv.js';
import type { FaultBoard, FaultDecision } from './faults.js';
import { rowMutator } from './mutate.js';
import { PROBLEM_CONTENT_TYPE } from './problem.js';
import { CHUNK_BYTES, ChunkWriter, MappedOut } from './chunk-writer.js';
import { compileFilters, parseWindow, readQuery } from './query.js';
import { sendFixed, writeBody } from './respond.js';
import type { Fault, RequestLogEntry, RowOut, RowSource, Window } from './types.js';

export const JSON_TYPE = 'application/json; charset=utf-8';

export interface SimState {
  board: FaultBoard;
  requests: RequestLogEntry[];
  sources: ReadonlyMap<string, RowSource>;
  now(): number;
  onRequest?: (entry: RequestLogEntry) => void;
  setNow(now: number | string | undefined): void;
  /** Requests held by a `hold` fault: each entry lets its request go on (true) or cuts it (false). */
  holds: Set<(answer: boolean) => void>;
  /** Lets every held request go on and clears the `hold` faults; returns how many were held. */
  release(): number;
}

export function createHandler(state: SimState): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(state, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendFixed(res, 500, JSON_TYPE, JSON.stringify({ statusCode: 500, message: String(err) }));
      else res.destroy();
    });
  };
}

async function handle(state: SimState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim.invalid');
  if (url.pathname.toLowerCase().startsWith('/__sim/')) return handleAdmin(state, req, res, url);
  const started = performance.now();
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const entry: RequestLogEntry = { method: req.method ?? 'GET', path: url.pathname, query, status: 0, bytes: 0, durationMs: 0 };
  // The entry is logged as soon as the status is known, so it is there before the client sees an answer.
  const log = (status: number): void => {
    entry.status = status;
    state.requests.push(entry);
    state.onRequest?.(entry);
  };
  const onBytes = (n: number): void => {
    entry.bytes += n;
    entry.durationMs = performance.now() - started;
  };
  res.on('close', () => (entry.durationMs = performance.now() - started));

  const faults = state.board.take(req.url ?? '/');
  if (faults.hold && !(await heldUntilReleased(state, res))) {
    res.destroy();
    return log(0);
  }
  if (faults.delayMs > 0) {
    await sleep(faults.delayMs);
    if (res.destroyed) return log(0);
  }
  if (faults.terminal) return answerFault(res, faults.terminal, log, onBytes);

  const route = routeOf(url.pathname);
  if (!route) {
    log(404);
    return onBytes(sendFixed(res, 404, undefined, ''));
  }
  if (req.method !== 'GET') {
    log(405);
    return onBytes(sendFixed(res, 405, undefined, '', { Allow: 'GET' }));
  }
  const source = state.sources.get(route.ds.spec.code);
  if (!source) throw new Error(`no source for ${route.ds.spec.code}`);
  const now = state.now();
  const format = answerFormat(route, url.searchParams, req.headers.accept);
  if (format === 'unacceptable') {
    log(406);
    return onBytes(sendFixed(res, 406, undefined, ''));
  }
  const parsed = parseWindow(route, readQuery(url.searchParams), {
    stream: route.stream,
    now,
    ignoreWindow: faults.ignoreWindow,
    latest: () => source.latest(now),
  });
  if ('problem' in parsed) {
    log(400);
    return onBytes(sendFixed(res, 400, PROBLEM_CONTENT_TYPE, parsed.problem.body));
  }
  log(200);
  res.writeHead(200, { 'Content-Type': format === 'csv' ? CSV_TYPE : JSON_TYPE });
  const chunks = bodyChunks(route.ds, route.stream, source, parsed.window, now, faults);
  await writeBody(res, format === 'csv' ? csvChunks(chunks, route.endpoint.fields) : chunks, { truncate: faults.truncate, onBytes });
}

/**
 * Whether to answer a held request: true on release(); false on close() or when the client gives up
 * (either way the request is no longer held).
 */
function heldUntilReleased(state: SimState, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const go = (answer: boolean): void => {
      state.holds.delete(go);
      res.off('close', gone);
      resolve(answer && !res.destroyed);
    };
    const gone = (): void => go(false);
    state.holds.add(go);
    res.on('close', gone);
  });
}

function* bodyChunks(ds: SimDataset, stream: boolean, source: RowSource, w: Window, now: number, faults: FaultDecision): Generator<Buffer> {
  const out = new ChunkWriter();
  const mutate = rowMutator(ds.spec, faults);
  const keep = compileFilters(w);
  const sink: RowOut =
    mutate || keep ? new MappedOut(out, (row) => (keep && !keep(row) ? undefined : mutate ? mutate(row) : row)) : out;
  out.text(stream ? '[' : ds.spec.envelope === 'metadata' ? `{"metadata":{"datasets":${JSON.stringify([ds.spec.code])}},"data":[` : '{"data":[');
  let groups = 0;
  let rows = 0;
  for (const _ of source.scan(w, now, sink)) {
    if (out.rows > rows) groups++;
    rows = out.rows;
    if (out.size >= CHUNK_BYTES) yield out.take();
  }
  if (faults.outOfWindow) {
    // As many instants again, from just before the window: rows a client must reject.
    let extra = 0;
    for (const _ of source.scan(before(w), now, sink)) {
      if (out.rows > rows && ++extra >= Math.max(1, groups)) break;
      rows = out.rows;
      if (out.size >= CHUNK_BYTES) yield out.take();
    }
  }
  out.text(stream ? ']' : ']}');
  yield out.take();
}

/** The day before a window's lower bound. */
function before(w: Window): Window {
  const base = { filters: w.filters, periods: w.periods };
  if (w.sdLo) {
    const date = addDays(w.sdLo.date, -1);
    return { ...base, sdLo: { date, period: 1 }, sdHi: { date, period: 99 }, scanLo: w.scanLo - 2 * DAY_MS, scanHi: w.scanLo + DAY_MS };
  }
  const lo = w.eventLo ?? w.scanLo;
  return { ...base, eventLo: lo - DAY_MS, eventHi: lo - 1, scanLo: lo - DAY_MS, scanHi: lo - 1 };
}

function answerFault(res: ServerResponse, f: Fault, log: (s: number) => void, onBytes: (n: number) => void): void {
  if (f.kind === 'status') {
    log(f.status);
    const body = JSON.stringify({ statusCode: f.status, message: f.status >= 500 ? 'Internal server error' : 'Simulated fault' });
    return onBytes(sendFixed(res, f.status, JSON_TYPE, body));
  }
  if (f.kind === 'rate-limit') {
    log(429);
    const headers: Record<string, string> = f.retryAfter === undefined ? {} : { 'Retry-After': String(f.retryAfter) };
    const body = JSON.stringify({ statusCode: 429, message: 'Rate limit is exceeded. Try again later.' });
    return onBytes(sendFixed(res, 429, JSON_TYPE, body, headers));
  }
  log(200);
  if (f.kind === 'html') {
    const html = '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>The service is temporarily unavailable. Please try again later.</p></body></html>';
    return onBytes(sendFixed(res, 200, 'text/html; charset=utf-8', html));
  }
  onBytes(sendFixed(res, 200, JSON_TYPE, '{"data":[{"dataset":"FUELINST","publishTime":"2024-02-12T17:50:00Z",'));
}
