// Replay mode: rows from DIR/<CODE>/*.json[.gz] (stream or envelope bodies), de-duplicated across
// files, kept byte-for-byte, served newest first by event time and then by natural key.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { periodStart } from '../core/calendar.js';
import type { DatasetSpec } from '../core/datasets.js';
import { parseDateTime } from './dates.js';
import { eventMatches, settlementMatches } from './query.js';
import { rowTexts } from './json-split.js';
import type { RowOut, RowSource, Window } from './types.js';

interface ReplayRow {
  text: string;
  eventMs: number;
  date: string | undefined;
  period: number | undefined;
  key: unknown[];
}

type Fields = Record<string, unknown>;

function eventOf(spec: DatasetSpec, f: Fields): number {
  if ('field' in spec.eventTime) return parseDateTime(String(f[spec.eventTime.field] ?? ''));
  const date = String(f.settlementDate ?? '').slice(0, 10);
  return periodStart(date, Number(f.settlementPeriod));
}

function compareKeys(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x ?? '') < String(y ?? '') ? -1 : 1;
  }
  return 0;
}

export function loadReplayRows(spec: DatasetSpec, dir: string): ReplayRow[] {
  const seen = new Set<string>();
  const rows: ReplayRow[] = [];
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.json(\.gz)?$/i.test(f)).sort() : [];
  for (const file of files) {
    const raw = readFileSync(join(dir, file));
    const body = (/\.gz$/i.test(file) ? gunzipSync(raw) : raw).toString('utf8');
    let texts: string[];
    try {
      texts = rowTexts(body);
    } catch (e) {
      throw new Error(`replay file ${join(dir, file)}: ${(e as Error).message}`);
    }
    for (const text of texts) {
      const f = JSON.parse(text) as Fields;
      const canonical = JSON.stringify(f);
      if (seen.has(canonical)) continue;
      seen.add(canonical);
      const eventMs = eventOf(spec, f);
      if (Number.isNaN(eventMs)) throw new Error(`replay file ${join(dir, file)}: a row has no readable event time`);
      const sd = f.settlementDate;
      const sp = f.settlementPeriod ?? f.settlementPeriodFrom;
      rows.push({
        text,
        eventMs,
        date: typeof sd === 'string' ? sd.slice(0, 10) : undefined,
        period: typeof sp === 'number' ? sp : undefined,
        key: spec.naturalKey.map((k) => f[k]),
      });
    }
  }
  return rows.sort((a, b) => b.eventMs - a.eventMs || compareKeys(a.key, b.key));
}

export class ReplaySource implements RowSource {
  constructor(private readonly rows: readonly ReplayRow[]) {}

  *scan(w: Window, now: number, out: RowOut): Generator<void> {
    const settled = w.sdLo !== undefined || w.sdHi !== undefined || w.periods !== undefined;
    let groupMs = NaN;
    for (const r of this.rows) {
      if (r.eventMs > now || !eventMatches(w, r.eventMs)) continue;
      if (settled && (r.date === undefined || r.period === undefined || !settlementMatches(w, r.date, r.period))) continue;
      if (r.eventMs !== groupMs && !Number.isNaN(groupMs)) yield;
      groupMs = r.eventMs;
      out.row('', r.text);
    }
    if (!Number.isNaN(groupMs)) yield;
  }

  latest(now: number): number | undefined {
    return this.rows.find((r) => r.eventMs <= now)?.eventMs;
  }
}
