// Fault switches: which faults hit a request, and how they are written down (CLI flag, JSON).
import type { Fault, FaultKind } from './types.js';

const KINDS: readonly FaultKind[] = [
  'status', 'rate-limit', 'delay', 'hold', 'truncate', 'malformed', 'html', 'out-of-window', 'extra-field', 'type-drift',
  'ignore-window',
];
/** Faults that replace the whole answer; the first active one wins. */
const TERMINAL = new Set<FaultKind>(['status', 'rate-limit', 'malformed', 'html']);
/** `--fault status=503` sets this argument of the kind. */
const MAIN_ARG: Partial<Record<FaultKind, string>> = { status: 'status', 'rate-limit': 'retryAfter', delay: 'ms', hold: 'after', truncate: 'bytes' };
const NUMERIC = new Set(['count', 'status', 'retryAfter', 'ms', 'bytes', 'after']);

/** What the active faults do to one request. */
export interface FaultDecision {
  delayMs: number;
  /** Held until the simulator's release() (or close). */
  hold: boolean;
  terminal?: Fault;
  truncate?: { bytes?: number };
  outOfWindow: boolean;
  extraField: boolean;
  typeDrift: boolean;
  ignoreWindow: boolean;
}

interface Active {
  fault: Fault;
  remaining: number;
  /** `hold`: matching requests still to let through before holding. */
  pass: number;
}

export class FaultBoard {
  private active: Active[] = [];

  set(f: Fault | Fault[] | null): void {
    this.active = [];
    if (f) this.add(f);
  }

  add(f: Fault | Fault[]): void {
    for (const fault of Array.isArray(f) ? f : [f]) {
      const pass = fault.kind === 'hold' ? (fault.after ?? 0) : 0;
      this.active.push({ fault: { ...fault }, remaining: fault.count ?? Infinity, pass });
    }
  }

  /** Removes the `hold` faults (the others stay). */
  clearHolds(): void {
    this.active = this.active.filter((a) => a.fault.kind !== 'hold');
  }

  /** Active faults with their remaining counts (omitted when unlimited); a hold's `after` is what is left to let through. */
  list(): Fault[] {
    return this.active.map((a) => {
      const f = { ...a.fault, count: Number.isFinite(a.remaining) ? a.remaining : undefined };
      if (f.kind === 'hold') f.after = a.pass > 0 ? a.pass : undefined;
      return f;
    });
  }

  /** Applies the matching faults to a request and uses up their counts. */
  take(url: string): FaultDecision {
    const d: FaultDecision = { delayMs: 0, hold: false, outOfWindow: false, extraField: false, typeDrift: false, ignoreWindow: false };
    const matching = this.active.filter((a) => a.remaining > 0 && (!a.fault.path || url.toLowerCase().includes(a.fault.path.toLowerCase())));
    const used = new Set<Active>();
    for (const a of matching) {
      const f = a.fault;
      if (f.kind === 'delay') {
        d.delayMs += f.ms;
        used.add(a);
      } else if (f.kind === 'hold') {
        if (a.pass > 0) a.pass--;
        else {
          d.hold = true;
          used.add(a);
        }
      } else if (TERMINAL.has(f.kind) && !d.terminal) {
        d.terminal = f;
        used.add(a);
      }
    }
    if (!d.terminal) {
      for (const a of matching) {
        const f = a.fault;
        if (f.kind === 'truncate') d.truncate = { bytes: f.bytes };
        else if (f.kind === 'out-of-window') d.outOfWindow = true;
        else if (f.kind === 'extra-field') d.extraField = true;
        else if (f.kind === 'type-drift') d.typeDrift = true;
        else if (f.kind === 'ignore-window') d.ignoreWindow = true;
        else continue;
        used.add(a);
      }
    }
    for (const a of used) a.remaining--;
    this.active = this.active.filter((a) => a.remaining > 0);
    return d;
  }
}

/** Checks a fault given as JSON (admin endpoint) or built from a flag; returns it or an error message. */
export function checkFault(x: unknown): Fault | string {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'a fault must be an object';
  const o = x as Record<string, unknown>;
  if (typeof o.kind !== 'string' || !KINDS.includes(o.kind as FaultKind)) {
    return `unknown fault kind ${JSON.stringify(o.kind)} (expected one of ${KINDS.join(', ')})`;
  }
  for (const k of NUMERIC) {
    if (o[k] !== undefined && (typeof o[k] !== 'number' || !Number.isFinite(o[k]) || (o[k] as number) < 0)) {
      return `fault ${o.kind}: ${k} must be a non-negative number`;
    }
  }
  if (o.path !== undefined && typeof o.path !== 'string') return `fault ${o.kind}: path must be a string`;
  if (o.kind === 'status' && (typeof o.status !== 'number' || o.status < 100 || o.status > 599)) {
    return 'fault status: status must be an HTTP status code (e.g. status=503)';
  }
  if (o.kind === 'delay' && typeof o.ms !== 'number') return 'fault delay: ms is required (e.g. delay,ms=2000)';
  if (o.after !== undefined && (o.kind !== 'hold' || !Number.isInteger(o.after))) return `fault ${o.kind}: after is a whole number, for hold only (e.g. hold,after=3)`;
  return o as unknown as Fault;
}

/**
 * Parses a CLI fault: `status=503,count=2`, `rate-limit,retryAfter=1,count=3`, `delay,ms=2000`,
 * `hold,after=3`, `truncate`, `extra-field,path=FUELINST`. The first item is the kind, optionally with its main argument.
 */
export function parseFaultFlag(text: string): Fault {
  const [head, ...rest] = text.split(',').map((s) => s.trim());
  const [kind, mainValue] = head.split('=', 2);
  const o: Record<string, unknown> = { kind };
  const main = MAIN_ARG[kind as FaultKind];
  if (mainValue !== undefined) {
    if (!main) throw new Error(`--fault ${text}: ${kind} takes no value after '='`);
    o[main] = Number(mainValue);
  }
  for (const item of rest) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`--fault ${text}: expected key=value, got '${item}'`);
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    o[key] = NUMERIC.has(key) ? Number(value) : value;
  }
  const checked = checkFault(o);
  if (typeof checked === 'string') throw new Error(`--fault ${text}: ${checked}`);
  return checked;
}
