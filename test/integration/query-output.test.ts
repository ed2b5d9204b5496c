// The query writers against a real (temporary) store and a stdout stand-in: they wait for 'drain'
// when the reader is slow, and stop when it hangs up.
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uniqueKeys, writeCsv, writeJsonRows, writeTable } from '../../src/cli/query-output.js';
import { quietOnClosedStdout, writer, type Write } from '../../src/cli/stdout.js';
import { streamQuery, type QueryStream } from '../../src/sinks/duckdb-query.js';
import { makeStore } from '../support/cli.js';
import { tempDir, type TempDir } from '../support/pipeline.js';

const SQL = "SELECT i, 'row ' || i AS s FROM range(20000) t(i)";

/**
 * A reader that completes no write until someone waits for 'drain' (or release() is called), so
 * a writer that ignores back-pressure piles everything up in its buffer, whatever the timing.
 * With failAt, that write fails with EPIPE, as a closed pipe does.
 */
class HoldingReader extends Writable {
  text = '';
  writes = 0;
  private pending: ((e?: Error) => void)[] = [];
  constructor(private readonly failAt = Infinity) {
    super({ highWaterMark: 1024 });
    this.on('newListener', (event) => event === 'drain' && queueMicrotask(() => this.release()));
  }
  override _write(chunk: Buffer, _enc: string, cb: (e?: Error) => void): void {
    if (++this.writes >= this.failAt) return cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    this.text += chunk;
    this.pending.push(cb);
  }
  release(): void {
    while (this.pending.length) this.pending.shift()!();
  }
}

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir();
  await makeStore(tmp.db, []);
});
afterEach(() => tmp.cleanup());

describe('query output', () => {
  it.each([
    ['csv', (q: QueryStream, w: Write) => writeCsv(q, w)],
    ['json', (q: QueryStream, w: Write) => writeJsonRows(q, w)],
    ['table', (q: QueryStream, w: Write) => writeTable(q, w, 0)],
  ] as const)('%s waits for drain: less than the high-water mark is buffered when the next chunk is written', async (_name, render) => {
    const out = new HoldingReader();
    const write = writer(out);
    let buffered = 0, calls = 0;
    const watched: Write = (text) => ((buffered = Math.max(buffered, out.writableLength)), calls++, write(text));
    const q = await streamQuery(tmp.db, SQL);
    try {
      await render(q, watched);
    } finally {
      q.close();
    }
    out.release();
    expect(calls).toBeGreaterThan(5);
    expect(buffered).toBeLessThan(1024);
    expect(out.text).toContain('row 19999');
  });

  it('stops writing once the reader has hung up (EPIPE), quietly', async () => {
    const out = new HoldingReader(3);
    quietOnClosedStdout(out);
    const q = await streamQuery(tmp.db, SQL);
    try {
      await writeCsv(q, writer(out));
    } finally {
      q.close();
    }
    expect(out.destroyed).toBe(true);
    expect(out.writes).toBe(3);
  });

  it('makes JSON keys unique without taking a name the query uses', () => {
    expect(uniqueKeys(['x', 'x', 'x_2', 'y', 'x'])).toEqual(['x', 'x_3', 'x_2', 'y', 'x_4']);
    expect(uniqueKeys(['a', 'b'])).toEqual(['a', 'b']);
  });
});
