// Making the folder a file goes in. Node 20's recursive mkdir never returns for a path under /proc
// or /sys (it loops on the kernel's answers), so those are refused first: they are never a place
// for a store, a log or an archive, and a typo there must end in a clear message, not a hang.
import { mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';

const KERNEL = /^\/(?:proc|sys)(?:\/|$)/;

/** Makes the folder and its parents; an Error naming the reason for one under /proc or /sys. */
export async function makeDirs(dir: string): Promise<void> {
  check(dir);
  await mkdir(dir, { recursive: true });
}

export function makeDirsSync(dir: string): void {
  check(dir);
  mkdirSync(dir, { recursive: true });
}

function check(dir: string): void {
  const full = resolve(dir);
  if (KERNEL.test(full)) throw new Error(`it is inside ${full.startsWith('/proc') ? '/proc' : '/sys'}, the kernel's own files`);
}
