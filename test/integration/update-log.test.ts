// The update log file: the old line format, echoed, rotated by size keeping a few files, no line lost.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openUpdateLog, rotateIfFull } from '../../src/cli/update/log.js';
import { parseLogLine } from '../../src/core/update-log.js';
import { tempDir, type TempDir } from '../support/pipeline.js';

let tmp: TempDir;
beforeEach(async () => (tmp = await tempDir()));
afterEach(() => tmp.cleanup());

describe('update log file', () => {
  it('appends lines in the old format, creating its folder, and echoes each', () => {
    const echoed: string[] = [];
    const path = join(tmp.dir, 'logs', 'u.log');
    const log = openUpdateLog(path, { now: () => Date.parse('2025-11-01T12:00:00Z'), echo: (l) => echoed.push(l), maxBytes: 1 << 20, rotate: true });
    log.info('one');
    log.error('two');
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n').filter(Boolean).map((l) => parseLogLine(l)?.level)).toEqual(['INFO', 'ERROR']);
    expect(echoed.join('')).toBe(text);
  });

  it('rotates before a line would pass the size, keeping `keep` old files, newest .1', () => {
    const path = join(tmp.dir, 'r.log');
    const log = openUpdateLog(path, { now: () => 0, echo: () => undefined, maxBytes: 200, rotate: true, keep: 2 });
    for (let i = 0; i < 8; i++) log.info(`line ${i} ${'x'.repeat(40)}`);
    const lines = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8').trim().split('\n').map((l) => parseLogLine(l)!.message.slice(0, 6)) : []);
    // Each line is 81 bytes: two fit in 200.
    expect(lines(path)).toEqual(['line 6', 'line 7']);
    expect(lines(`${path}.1`)).toEqual(['line 4', 'line 5']);
    expect(lines(`${path}.2`)).toEqual(['line 2', 'line 3']);
    expect(existsSync(`${path}.3`)).toBe(false);
  });

  it('a run without the lock never rotates; an empty file is never rotated', () => {
    const path = join(tmp.dir, 'n.log');
    writeFileSync(path, 'x'.repeat(500));
    openUpdateLog(path, { now: () => 0, echo: () => undefined, maxBytes: 100, rotate: false }).warn('skipped');
    expect(existsSync(`${path}.1`)).toBe(false);
    writeFileSync(path, '');
    expect(rotateIfFull(path, 1000, 100, 5)).toBe(false);
  });

  it('a log that cannot be written is a usage error before anything runs', () => {
    writeFileSync(join(tmp.dir, 'file'), '');
    expect(() => openUpdateLog(join(tmp.dir, 'file', 'x.log'), { now: () => 0, echo: () => undefined, maxBytes: 100, rotate: true })).toThrow(/cannot write the update log/);
  });
});
