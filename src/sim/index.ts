// The Elexon simulator: a local HTTP server imitating the BMRS Insights API (see docs/simulator.md).
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SIM_DATASETS } from './catalog.js';
import { parseDateTime } from './dates.js';
import { FaultBoard } from './faults.js';
import { createModels, GeneratedSource } from './generate.js';
import { genericModel } from './models-generic.js';
import { endpoints } from './openapi.js';
import { loadReplayRows, ReplaySource } from './replay.js';
import { createHandler, type SimState } from './server.js';
import type { Fault, RequestLogEntry, RowSource, Simulator, SimulatorOptions } from './types.js';

export type { Fault, FaultKind, RequestLogEntry, Simulator, SimulatorOptions } from './types.js';
export { parseFaultFlag } from './faults.js';

/** Epoch ms of a clock setting; throws on an unreadable one. */
export function readNow(now: number | string): number {
  const ms = typeof now === 'number' ? now : /^\d{10,}$/.test(now) ? Number(now) : parseDateTime(now);
  if (!Number.isFinite(ms)) throw new RangeError(`not an instant: ${String(now)}`);
  return ms;
}

function buildSources(options: SimulatorOptions): Map<string, RowSource> {
  if (options.dataDir && !existsSync(options.dataDir)) throw new Error(`replay directory not found: ${options.dataDir}`);
  const sources = new Map<string, RowSource>();
  const models = options.dataDir ? undefined : createModels(options.seed ?? 1);
  for (const { spec } of SIM_DATASETS) {
    if (options.dataDir) sources.set(spec.code, new ReplaySource(loadReplayRows(spec, join(options.dataDir, spec.code))));
    else {
      const model = models?.[spec.code] ?? genericModel(spec, endpoints().get(spec.path), options.seed ?? 1);
      if (!model) throw new Error(`no generator for ${spec.code}: give it a hand-written model or a rate in its override`);
      sources.set(spec.code, new GeneratedSource(model));
    }
  }
  return sources;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  let fixedNow = options.now === undefined ? undefined : readNow(options.now);
  const board = new FaultBoard();
  if (options.faults) board.set(options.faults);
  const requests: RequestLogEntry[] = [];
  const holds = new Set<(answer: boolean) => void>();
  const state: SimState = {
    board,
    requests,
    sources: buildSources(options),
    now: () => fixedNow ?? Date.now(),
    onRequest: options.onRequest,
    setNow: (now) => {
      fixedNow = now === undefined ? undefined : readNow(now);
    },
    holds,
    release: () => {
      const n = holds.size;
      board.clearHolds();
      for (const go of [...holds]) go(true);
      return n;
    },
  };
  const server = createServer(createHandler(state));
  // Node's default 5 s idle timeout races clients that pause between requests (a client busy parsing
  // a big body reuses a socket the server is just closing); the real API keeps sockets far longer.
  server.keepAliveTimeout = 60_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    requests,
    setFault: (f: Fault | Fault[] | null) => board.set(f),
    setNow: state.setNow,
    release: state.release,
    get held() {
      return holds.size;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Held requests are cut and logged with status 0, like a client that gave up.
        board.clearHolds();
        for (const go of [...holds]) go(false);
        server.closeAllConnections();
      }),
  };
}
