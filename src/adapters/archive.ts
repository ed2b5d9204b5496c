// Raw response bodies, gzip-compressed, one file per dataset window:
// DIR/<CODE>/<from>_<to>.json.gz (UTC, compact ISO). The simulator's --data mode serves such a folder.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Archive } from '../core/ports.js';
import type { Window } from '../core/windows.js';

const gzipAsync = promisify(gzip);

export function createArchive(dir: string): Archive {
  return {
    async save(window: Window, body: string) {
      const folder = join(dir, window.dataset.code);
      await mkdir(folder, { recursive: true });
      const file = join(folder, `${stamp(window.from)}_${stamp(window.to)}.json.gz`);
      // Write then rename, so a killed run never leaves a half-written archive file.
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, await gzipAsync(body));
      await rename(tmp, file);
    },
  };
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
