// `backfill --force` refetches windows the ledger shows loaded. One whose body is byte for byte the
// body that was loaded, while the store still holds exactly the key set that load stored within its
// bounds, has nothing to write: the check below says so before any row work. Anything else (another
// body, a row deleted or added since, an entry without a digest, a store that cannot tell, a load
// made before the day's publication was over) goes the whole way, as a first load does.
import { isSettled } from './completeness.js';
import { columnsMd5, ROW_WORK_VERSION, type KeySet } from './digest.js';
import type { LedgerEntry, Store, TableHandle } from './store.js';
import type { Window } from './windows.js';

export type UnchangedCheck = (hash: string) => Promise<{ fetched: number; keys: KeySet } | null>;

export function unchangedCheck(store: Store, table: TableHandle, window: Window, prior: LedgerEntry | undefined): UnchangedCheck | undefined {
  const digest = prior?.digest;
  const bounds = digest?.bounds;
  if (!prior || prior.status !== 'loaded' || !digest || !bounds || !store.keySet) return undefined;
  // Rows of another row work or another table layout are other rows.
  if (digest.version !== ROW_WORK_VERSION || digest.columns !== columnsMd5(table.columns)) return undefined;
  // A day loaded before its publication was over had its gaps unchecked: let this run check them.
  // (A dataset without a cadence has no gaps to check.)
  if (window.dataset.cadence && window.days && !isSettled(window.dataset, window, digest.loadedAt)) return undefined;
  const keySet = store.keySet.bind(store);
  return async (hash) => {
    if (hash !== digest.body) return null;
    const stored = await keySet(table.name, bounds);
    return stored.count === digest.count && stored.xor === digest.xor ? { fetched: prior.fetched, keys: stored } : null;
  };
}
