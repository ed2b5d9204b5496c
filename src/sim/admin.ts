// Admin endpoints under /__sim/ (never logged, never faulted):
//   GET/DELETE /__sim/requests, GET/POST/DELETE /__sim/faults, GET/POST /__sim/now,
//   GET /__sim/held, POST /__sim/release.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toIsoZ } from '../core/calendar.js';
import { checkFault } from './faults.js';
import { sendFixed } from './respond.js';
import type { SimState } from './server.js';
import type { Fault } from './types.js';

const JSON_TYPE = 'application/json; charset=utf-8';

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  return text ? (JSON.parse(text) as unknown) : undefined;
}

const json = (res: ServerResponse, status: number, value: unknown): void => {
  sendFixed(res, status, JSON_TYPE, JSON.stringify(value));
};

export async function handleAdmin(state: SimState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const what = url.pathname.toLowerCase().replace(/\/+$/, '');
  const method = req.method ?? 'GET';
  let body: unknown;
  try {
    body = method === 'POST' ? await readBody(req) : undefined;
  } catch {
    return json(res, 400, { error: 'body is not JSON' });
  }
  if (what === '/__sim/requests') {
    if (method === 'GET') return json(res, 200, state.requests);
    if (method === 'DELETE') {
      state.requests.length = 0;
      return json(res, 200, []);
    }
  }
  if (what === '/__sim/faults') {
    if (method === 'GET') return json(res, 200, state.board.list());
    if (method === 'DELETE') {
      state.board.set(null);
      return json(res, 200, []);
    }
    if (method === 'POST') {
      const items = Array.isArray(body) ? body : [body];
      const faults: Fault[] = [];
      for (const item of items) {
        const f = checkFault(item);
        if (typeof f === 'string') return json(res, 400, { error: f });
        faults.push(f);
      }
      state.board.add(faults);
      return json(res, 200, state.board.list());
    }
  }
  if (what === '/__sim/held' && method === 'GET') return json(res, 200, { held: state.holds.size });
  if (what === '/__sim/release' && method === 'POST') return json(res, 200, { released: state.release() });
  if (what === '/__sim/now') {
    if (method === 'POST') {
      const v = (body as { now?: unknown } | undefined)?.now;
      if (v !== undefined && v !== null && typeof v !== 'number' && typeof v !== 'string') {
        return json(res, 400, { error: 'now must be epoch ms, an ISO instant or null' });
      }
      try {
        state.setNow(v ?? undefined);
      } catch (e) {
        return json(res, 400, { error: (e as Error).message });
      }
    }
    if (method === 'POST' || method === 'GET') return json(res, 200, { now: toIsoZ(state.now()) });
  }
  return json(res, 404, { error: `no admin endpoint ${method} ${url.pathname}` });
}
