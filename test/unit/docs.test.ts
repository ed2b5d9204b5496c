// The documentation the code leans on must be in the repository, and its worked examples must be
// right: a cited page that is missing, or a hash a reader cannot reproduce, fails here.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const SCANNED = ['src', 'test', 'bench', 'scripts', 'bin', 'docs', 'README.md', 'crontab.example', 'package.json'];
const SKIPPED = new Set(['node_modules', 'dist', 'fixtures']);

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).filter((n) => !SKIPPED.has(n)).flatMap((n) => files(join(path, n)));
}

/** Every Markdown page a file mentions, as written (a path such as docs/storage.md); URLs left out. */
function citations(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?<![\w/.:-])((?:[\w.-]+\/)*[\w-]+\.md)\b/g)].map((m) => m[1]);
}

describe('documentation', () => {
  it('every page cited in the code, the tests and the docs is in the repository', () => {
    const missing: string[] = [];
    let cited = 0;
    for (const file of SCANNED.flatMap((p) => files(join(ROOT, p)))) {
      for (const page of citations(file)) {
        cited++;
        // A page is named from the repository root (docs/ingest.md) or, in docs/, next to the citing page.
        if (!existsSync(join(ROOT, page)) && !existsSync(join(dirname(file), page))) missing.push(`${relative(ROOT, file)}: ${page}`);
      }
    }
    expect(cited).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it('the _hash_key worked examples in docs/compatibility.md are the MD5 of their text', () => {
    const lines = readFileSync(join(ROOT, 'docs/compatibility.md'), 'utf8').split('\n');
    const examples = lines.flatMap((line, i) => {
      const hash = /^ {2}-> ([0-9a-f]{32})$/.exec(lines[i + 1] ?? '');
      return line.startsWith('{') && hash ? [[line, hash[1]] as const] : [];
    });
    expect(examples.map(([, hash]) => hash)).toEqual([
      'd0a3676970ee09e4ceae3cc7e1e0ec98',
      'cee264cc82a0eb69d6fe22a5f5ff4de3',
      '1a64b8beefb98889bb3330206f7037d3',
      'e65687c2e00994c1f1ed0fd1b2eaf1cd',
    ]);
    for (const [text, hash] of examples) expect(createHash('md5').update(text, 'utf8').digest('hex')).toBe(hash);
  });
});
