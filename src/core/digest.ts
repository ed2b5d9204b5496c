// What a loaded window looked like, kept in its ledger entry so that `backfill --force` can tell a
// window that has not changed: the MD5 of the API's body, and the set of `_hash_key`s it stored
// (their number and the XOR of their first 15 hex digits, a 60-bit fingerprint of the set). A
// refetched body with the same MD5 gives the same rows; if the store still holds exactly that set
// within the window's bounds, there is nothing to write. Any difference: the window is loaded again.
import { createHash } from 'node:crypto';
import type { StoredRow } from './store.js';

export interface KeySet {
  readonly count: number;
  /** The XOR of `parseInt(key.slice(0, 15), 16)` over the keys counted, as a decimal string. */
  readonly xor: string;
}

/**
 * The row work's version: a change to what the same body gives (sanitising, hashing, which rows are
 * kept, the metadata columns) must bump it, so that no digest of the old row work is taken as unchanged.
 */
export const ROW_WORK_VERSION = 1;

export interface WindowDigest extends KeySet {
  readonly version: number;
  /**
   * SHA-256 of the response body, hex (2.4 times as fast as MD5 here: the CPU hashes SHA in
   * hardware). A digest written with MD5 before never matches one, so such a window is worked
   * and written once more by `--force`, which stores nothing new.
   */
  readonly body: string;
  /** MD5 of the table's columns and types as written (another schema renders other rows). */
  readonly columns: string;
  /** UTC ms of the load that stored the key set (a later failed attempt moves the entry's updatedAt, not this). */
  readonly loadedAt: number;
  /** The bounds the rows were written with (the store's anti-join bounds); null: unbounded, never compared. */
  readonly bounds: { readonly column: string; readonly min: string; readonly max: string } | null;
}

export const bodyHash = (body: string): string => createHash('sha256').update(body).digest('hex');

/** The fingerprint of a table's columns and types, for `WindowDigest.columns`. */
export const columnsMd5 = (columns: readonly { readonly name: string; readonly type: string }[]): string =>
  createHash('md5').update(columns.map((c) => `${c.name}:${c.type}`).join(',')).digest('hex');

/** The fingerprint of the keys given, each counted (a window's rows are distinct by `_hash_key`; the store's `keySet` counts every stored row). */
export function keySet(keys: Iterable<string>): KeySet {
  let xor = 0n;
  let count = 0;
  for (const k of keys) {
    xor ^= BigInt(`0x${k.slice(0, 15)}`);
    count++;
  }
  return { count, xor: xor.toString() };
}

/**
 * The same fingerprint in DuckDB SQL, over the values of the column `key` (where `filter` holds):
 * the distinct ones, or every row's (`distinct` false: a key given twice cancels out, so count
 * every row beside it).
 */
export const keyXorSql = (key: string, filter?: string, distinct = true): string =>
  `coalesce(bit_xor(${distinct ? 'DISTINCT ' : ''}CAST(('0x' || left(${key}, 15)) AS BIGINT))${filter ? ` FILTER (WHERE ${filter})` : ''}, 0)`;

/** The key set of rows in the cell order of `columns`. */
export function keySetOfRows(rows: readonly StoredRow[], keyIndex: number): KeySet {
  return keySet(rows.map((r) => String(r[keyIndex])));
}

export function digestJson(d: WindowDigest): string {
  return JSON.stringify(d);
}

/** A digest read back from a ledger; null when absent or not one of ours. */
export function parseDigest(text: string | null): WindowDigest | null {
  if (text === null || text === '') return null;
  try {
    const d = JSON.parse(text) as WindowDigest;
    return typeof d.body === 'string' && typeof d.count === 'number' && typeof d.xor === 'string' && typeof d.loadedAt === 'number' ? d : null;
  } catch {
    return null;
  }
}
