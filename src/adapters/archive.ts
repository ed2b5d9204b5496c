// Raw response bodies, one file per dataset window, in one of two layouts (the simulator's --data
// mode serves either):
// - 'bmrs' (--archive): DIR/<CODE>/<from>_<to>.json.gz, gzip, both bounds in UTC compact ISO;
// - 'fetch-script' (--data-dir, the old fetch script's layout): DIR/<CODE>/<YYYY-MM-DD>_<HHMMSS>.json,
//   the body as received, named by the window's start in UTC, as the rows' _window_from_utc is
//   (our reading of the old layout: docs/compatibility.md section 4).
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Archive } from '../core/ports.js';
import type { Window } from '../core/windows.js';
import { makeDirs } from '../platform/dirs.js';

const gzipAsync = promisify(gzip);

export type ArchiveLayout = 'bmrs' | 'fetch-script';

export function createArchive(dir: string, layout: ArchiveLayout = 'bmrs'): Archive {
  return {
    async save(window: Window, body: string) {
      const folder = join(dir, window.dataset.code);
      await makeDirs(folder);
      const [name, content] =
        layout === 'bmrs' ? [`${stamp(window.from)}_${stamp(window.to)}.json.gz`, await gzipAsync(body)] : [`${oldStamp(window.from)}.json`, body];
      const file = join(folder, name);
      // Write then rename, so a killed run never leaves a half-written archive file.
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, content);
      await rename(tmp, file);
    },
  };
}

/** 20251027T000000Z */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** 2025-10-27_000000 */
function oldStamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)}_${iso.slice(11, 19).replace(/:/g, '')}`;
}
