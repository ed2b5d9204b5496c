// `bmrs check --html`: the page in a real headless Chromium (Debian's chromium, driven by
// playwright-core against the system binary). Renders without console errors or requests, and the
// heatmap marks the missing period. Without a browser the test is skipped, saying how to get one.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { check, load, sql, useCheckContext } from '../support/check.js';

/** BMRS_CHROMIUM, else a chromium on PATH or in the usual Debian places. */
function findChromium(): string | undefined {
  const named = process.env.BMRS_CHROMIUM;
  if (named) return named;
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const browser = findChromium();
if (!browser) {
  console.warn('check-html.test.ts skipped: no Chromium found. Install one (Debian: sudo apt-get install -y chromium) or set BMRS_CHROMIUM=/path/to/chromium.');
}

const NOW = '2025-10-28T12:00:00Z';
const ctx = useCheckContext(NOW);

describe.skipIf(!browser)('bmrs check --html in headless Chromium', () => {
  it('renders the heatmaps and the generation mix offline, marking the missing SP49', async () => {
    await load(ctx, ['FUELINST', 'MID'], '2025-10-22', '2025-10-29', NOW);
    await sql(ctx.tmp.db, `DELETE FROM bmrs_fuelinst WHERE settlementDate = DATE '2025-10-26' AND settlementPeriod = 49`);
    const file = join(ctx.tmp.dir, 'report.html');
    const r = await check(ctx, ['--json', '--html', file], { BMRS_NOW: NOW });
    expect(r.code).toBe(1);
    expect(r.json.findings.map((f: { message: string }) => f.message)).toEqual(['FUELINST settlement day 2025-10-26: period 49 missing (1 of 50)']);
    expect(r.stderr).toContain(`wrote ${file}`);
    expect(readFileSync(file, 'utf8')).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);

    const b = await chromium.launch({ executablePath: browser, args: ['--no-sandbox'] });
    try {
      // A viewer far from London: the page still speaks UTC, as the rest of the report.
      const page = await (await b.newContext({ timezoneId: 'America/New_York' })).newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('request', (q) => !q.url().startsWith('file:') && requests.push(q.url()));
      await page.goto(`file://${file}`);
      await page.waitForFunction('document.body.dataset.rendered !== undefined');
      expect(await page.evaluate('document.body.dataset.rendered')).toBe('true');
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);

      const cells = (id: string) => page.$$eval(`#${id} svg [aria-label^="day "]`, (els) => els.map((e) => e.getAttribute('aria-label')!));
      const fuel = await cells('coverage-FUELINST');
      // 6 full days (48 x 5 + 50) and today's 48 periods: one cell per settlement period.
      expect(fuel).toHaveLength(48 * 6 + 50);
      expect(fuel.filter((l) => l.endsWith(': missing'))).toEqual(['day 2025-10-26 period 49: missing']);
      expect(fuel).toContain('day 2025-10-26 period 50: ok');
      expect(fuel.filter((l) => l.startsWith('day 2025-10-28 ') && l.endsWith(': pending'))).toHaveLength(24);
      expect((await cells('coverage-MID')).filter((l) => l.endsWith(': missing'))).toEqual([]);
      // The generation mix: one stacked area per fuel type.
      const areas = await page.$$eval('#mix-FUELINST svg path[aria-roledescription="area mark"]', (els) => els.length);
      expect(areas).toBe(20);
      const xAxis = await page.$eval('#mix-FUELINST svg g[aria-roledescription="axis"]', (e) => e.getAttribute('aria-label'));
      // Settlement day 2025-10-22 starts at 23:00 UTC the day before (BST).
      expect(xAxis).toMatch(/utc scale with values from .*21 October 2025, 11:00:00 PM UTC to /);

      // The short day: 46 cells, none for periods 47-50.
      await load(ctx, ['FUELINST'], '2025-03-30', '2025-03-31', NOW);
      const spring = join(ctx.tmp.dir, 'spring.html');
      const s = await check(ctx, ['--json', '--html', spring, '--dataset', 'FUELINST', '--from', '2025-03-30', '--to', '2025-03-30'], { BMRS_NOW: NOW });
      expect(s.json.datasets[0].coverage[0]).toMatchObject({ periods: 46, state: 'complete' });
      await page.goto(`file://${spring}`);
      await page.waitForFunction('document.body.dataset.rendered !== undefined');
      const short = await cells('coverage-FUELINST');
      expect(short).toHaveLength(46);
      expect(short.at(-1)).toBe('day 2025-03-30 period 46: ok');
      expect(errors).toEqual([]);
    } finally {
      await b.close();
    }
  });
});
