// Shared helpers of the simulator tests (not a test file itself).
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';

export const NOW = '2025-11-01T00:00:00Z';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export async function get(sim: Simulator, path: string, init?: RequestInit): Promise<Answer> {
  const res = await fetch(sim.url + path, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export type Row = Record<string, unknown>;

/** Rows of a stream body (array) or an envelope body ({"data":[...]}). */
export function rowsOf(text: string): Row[] {
  const body = JSON.parse(text) as Row[] | { data: Row[] };
  return Array.isArray(body) ? body : body.data;
}

export async function rows(sim: Simulator, path: string): Promise<Row[]> {
  const a = await get(sim, path);
  if (a.status !== 200) throw new Error(`${path}: HTTP ${a.status} ${a.text}`);
  return rowsOf(a.text);
}

/** Starts a simulator at a fixed clock for the duration of a test file. */
export async function withSim(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ now: NOW, ...options });
}
