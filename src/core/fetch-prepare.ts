// Fetch one window and do its row work, by the SQL transform where the runner has one and the
// store reads staged rows, else (and whenever the transform cannot be exact for this body) by the
// JS path in prepare.ts, the reference. Either way the result is the same rows, counts and gaps.
import { findGaps, gapsOfCounts, type DayGaps } from './completeness.js';
import { checkBodyEnds, checkBodyFile, decodeRows, MalformedBodyError } from './decode.js';
import { bodyHash, keySetOfRows, type KeySet } from './digest.js';
import type { ApiClient, BodyFile, WindowTransform } from './ports.js';
import { prepareWindow } from './prepare.js';
import type { RawRow } from './rows.js';
import type { StagedRows, StoredRow, TableHandle } from './store.js';
import type { Window } from './windows.js';

export interface ReadyWindow {
  readonly rows: readonly StoredRow[];
  readonly staged?: StagedRows;
  readonly bounds: { readonly column: string; readonly min: string; readonly max: string } | null;
  readonly fetched: number;
  readonly outside: number;
  readonly repeated: number;
  readonly revisions: number;
  readonly unknownFields: readonly string[];
  /** Rows to store. */
  readonly count: number;
  /** The SHA-256 of the body and the key set of the rows to store (core/digest.ts), for the ledger. */
  readonly bodyHash: string;
  readonly keys: KeySet;
  /** The gaps of settlement day `date` in the kept rows (completeness.ts). */
  gaps(date: string): DayGaps | null;
  /** Lets go of staged files once the store is done with them. */
  dispose(): Promise<void>;
  /** Which path did the row work (the SQL transform's reason to decline, when it did). */
  readonly path: { readonly by: 'sql' } | { readonly by: 'js'; readonly reason?: string } | { readonly by: 'unchanged' };
}

export interface FetchDeps {
  readonly api: ApiClient;
  readonly transform?: WindowTransform;
  /**
   * Runs each request (the runner's request slots): the row work happens outside it, so the next
   * windows are fetched while this one's rows are worked, and the SQL transform finds several
   * windows waiting to read in one statement.
   */
  readonly requests?: <T>(task: () => Promise<T>) => Promise<T>;
}

/**
 * Fetches and prepares one window; `body` gives its text, for the archive (read again from its file
 * for a downloaded body, until `ready.dispose()`). `unchanged`, when given, is asked with the
 * body's SHA-256 before any row work: true means the store already holds exactly what this body
 * gives (core/digest.ts), and the window is ready with nothing to write.
 */
export async function fetchAndPrepare(
  deps: FetchDeps,
  window: Window,
  table: TableHandle,
  micros: bigint,
  onFetched: (rows: number) => void,
  unchanged?: (hash: string) => Promise<{ fetched: number; keys: KeySet } | null>,
): Promise<{ ready: ReadyWindow; body: () => Promise<string> }> {
  const stream = window.path.endsWith('/stream');
  const request = deps.requests ?? ((task) => task());
  const fetchDecoded = () =>
    request(() => deps.api.fetch(window.path, window.query, (body, type) => ({ raws: decodeRows(window.dataset, stream, body, type), body })));
  const byJs = (raws: readonly RawRow[], hash: string, release: () => Promise<void>, reason?: string): ReadyWindow => {
    onFetched(raws.length);
    const p = prepareWindow(window, table, raws, micros);
    return {
      ...p,
      count: p.rows.length,
      bodyHash: hash,
      keys: keySetOfRows(p.rows, p.columns.findIndex((c) => c.name === '_hash_key')),
      gaps: (date) => findGaps(table.spec, p.columns, p.rows, date),
      dispose: release,
      path: reason === undefined ? { by: 'js' } : { by: 'js', reason },
    };
  };

  const same = async (hash: string, release: () => Promise<void>): Promise<ReadyWindow | null> => {
    const stored = unchanged ? await unchanged(hash) : null;
    if (!stored) return null;
    onFetched(stored.fetched);
    return {
      rows: [],
      bounds: null,
      fetched: stored.fetched,
      outside: 0,
      repeated: 0,
      revisions: 0,
      unknownFields: [],
      count: 0,
      bodyHash: hash,
      keys: stored.keys,
      gaps: () => null,
      dispose: release,
      path: { by: 'unchanged' },
    };
  };

  if (!deps.transform) {
    const { raws, body } = await fetchDecoded();
    const hash = bodyHash(body);
    const none = async () => undefined;
    return { ready: (await same(hash, none)) ?? byJs(raws, hash, none), body: async () => body };
  }
  const transform = deps.transform;
  const got = await fetchBody(deps.api, transform, window, request);
  try {
    const skip = await same(got.hash, got.release);
    if (skip) return { ready: skip, body: got.text };
    const r = await transform.prepare(window, table, got.body, micros);
    if (!('fallback' in r)) {
      onFetched(r.fetched);
      const ready: ReadyWindow = {
        rows: [],
        staged: r.staged,
        bounds: r.bounds,
        fetched: r.fetched,
        outside: r.outside,
        repeated: r.repeated,
        revisions: r.revisions,
        unknownFields: [],
        count: r.staged.count,
        bodyHash: got.hash,
        keys: r.keys,
        gaps: (date) => (r.periodKeys ? gapsOfCounts(table.spec, date, (p) => r.periodKeys!.get(p) ?? 0, r.members) : null),
        dispose: async () => {
          await r.dispose();
          await got.release();
        },
        path: { by: 'sql' },
      };
      return { ready, body: got.text };
    }
    let raws: RawRow[];
    try {
      raws = decodeRows(window.dataset, stream, await got.text(), got.type);
    } catch (e) {
      // Malformed in a way the cheap check did not see: fetch it again, retrying as the JS path does.
      if (!(e instanceof MalformedBodyError)) throw e;
      await got.release();
      const again = await fetchDecoded();
      return { ready: byJs(again.raws, bodyHash(again.body), async () => undefined, r.fallback), body: async () => again.body };
    }
    return { ready: byJs(raws, got.hash, got.release, r.fallback), body: got.text };
  } catch (e) {
    await got.release();
    throw e;
  }
}

interface FetchedBody {
  readonly body: string | BodyFile;
  readonly type: string;
  readonly hash: string;
  text(): Promise<string>;
  /** Removes a downloaded body's file (idempotent). */
  release(): Promise<void>;
}

/**
 * A body for the SQL transform, checked cheaply (decode.ts) so that a malformed one is fetched
 * again: streamed to a file of the transform's where both sides can (never held in memory whole),
 * else fetched as text.
 */
async function fetchBody(api: ApiClient, transform: WindowTransform, window: Window, request: <T>(task: () => Promise<T>) => Promise<T>): Promise<FetchedBody> {
  const stream = window.path.endsWith('/stream');
  if (!api.download || !transform.bodyFile) {
    const { body, type } = await request(() =>
      api.fetch(window.path, window.query, (b, t) => {
        checkBodyEnds(window.dataset, stream, b, t);
        return { body: b, type: t };
      }),
    );
    return { body, type, hash: bodyHash(body), text: async () => body, release: async () => undefined };
  }
  const file = transform.bodyFile();
  const body = await request(() => api.download!(window.path, window.query, file, (b) => checkBodyFile(window.dataset, stream, b)));
  return { body, type: body.contentType, hash: body.hash, text: () => body.text(), release: () => body.remove() };
}
