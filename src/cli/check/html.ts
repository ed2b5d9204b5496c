// `bmrs check --html FILE`: the report as one self-contained page. Charts are Vega-Lite specs drawn
// by Vega (SVG renderer), both libraries read from node_modules and inlined, so the page needs no
// network when it is viewed: a coverage heatmap per dataset (days x settlement periods, 46/48/50
// aware: a short day simply has fewer cells) and, for FUELINST, the generation mix over the range.
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { daysBetween, periodStart, settlementDayStart } from '../../core/calendar.js';
import { findDataset } from '../../core/datasets.js';
import { UsageError } from '../../core/errors.js';
import type { Store } from '../../core/store.js';
import type { CheckReport } from './gather.js';
import { renderText } from './text.js';

const require = createRequire(import.meta.url);

/** The minified browser build of a package, beside its resolved entry point (build/). */
async function browserBuild(pkg: string, file: string): Promise<string> {
  return readFile(join(dirname(require.resolve(pkg)), file), 'utf8');
}

const MARK_COLOURS = { ok: '#2e7d32', short: '#f9a825', missing: '#c62828', pending: '#cfd8dc' };

export async function writeHtmlReport(file: string, report: CheckReport, store: Store): Promise<void> {
  const charts: { id: string; title: string; spec: object }[] = [];
  for (const h of report.datasets) {
    if (!h.coverage) continue;
    const cells = h.coverage.flatMap((day) => day.marks.map((mark, i) => ({ date: day.date, period: i + 1, status: mark })));
    // A week gets rows a cell tall enough to point at; a year still fits on a screen or two.
    const rowHeight = Math.max(3, Math.min(16, Math.floor(800 / h.coverage.length)));
    charts.push({ id: `coverage-${h.dataset}`, title: `${h.dataset}: coverage per settlement period`, spec: heatmap(cells, rowHeight) });
  }
  if (report.datasets.some((h) => h.dataset === 'FUELINST' && h.rows !== null)) {
    const perDay = daysBetween(report.range.from, report.range.to) >= 14;
    const points = await store.meanSeries(findDataset('FUELINST')!, report.range.from, report.range.to, { value: 'generation', by: 'fuelType', perDay });
    const values = points.map((p) => ({ time: p.period === null ? settlementDayStart(p.date) : periodStart(p.date, p.period), fuelType: p.group, mw: Math.round(p.value) }));
    charts.push({ id: 'mix-FUELINST', title: `FUELINST: generation mix, mean MW per ${perDay ? 'settlement day' : 'settlement period'}`, spec: mix(values) });
  }
  const [vega, vegaLite] = await Promise.all([browserBuild('vega', 'vega.min.js'), browserBuild('vega-lite', 'vega-lite.min.js')]);
  const page = html(report, charts, vega, vegaLite);
  try {
    await writeFile(file, page);
  } catch (e) {
    throw new UsageError(`cannot write --html ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { hint: 'name a file in a folder that exists and can be written' });
  }
}

function heatmap(values: object[], rowHeight: number): object {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    transform: [{ calculate: "'day ' + datum.date + ' period ' + datum.period + ': ' + datum.status", as: 'label' }],
    mark: { type: 'rect' },
    width: { step: 14 },
    height: { step: rowHeight },
    encoding: {
      x: { field: 'period', type: 'ordinal', title: 'settlement period', scale: { domain: Array.from({ length: 50 }, (_, i) => i + 1) } },
      y: { field: 'date', type: 'ordinal', title: 'settlement day', axis: { labelOverlap: 'greedy' } },
      color: {
        field: 'status',
        type: 'nominal',
        scale: { domain: Object.keys(MARK_COLOURS), range: Object.values(MARK_COLOURS) },
        legend: { title: null, orient: 'bottom' },
      },
      tooltip: [{ field: 'date' }, { field: 'period' }, { field: 'status' }],
      description: { field: 'label' },
    },
  };
}

function mix(values: object[]): object {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    mark: { type: 'area' },
    width: 760,
    height: 300,
    encoding: {
      // In UTC, as the rest of the report: a time scale would follow the viewer's zone.
      x: { field: 'time', type: 'temporal', title: 'UTC (start of the settlement period)', scale: { type: 'utc' } },
      y: { field: 'mw', type: 'quantitative', stack: 'zero', title: 'MW' },
      color: { field: 'fuelType', type: 'nominal', title: 'fuel type', scale: { scheme: 'tableau20' } },
      tooltip: [{ field: 'time', type: 'temporal', format: '%Y-%m-%d %H:%M UTC', formatType: 'utc' }, { field: 'fuelType' }, { field: 'mw' }],
    },
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** JSON inside a <script> element: "</" and U+2028/9 cannot end it or break it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function html(report: CheckReport, charts: { id: string; title: string; spec: object }[], vega: string, vegaLite: string): string {
  const status = report.findings.length === 0 ? '<p class="ok">healthy: no findings</p>' : `<ul class="findings">${report.findings.map((f) => `<li>${escapeHtml(f.message)}</li>`).join('')}</ul>`;
  const sections = charts.map((c) => `<section><h2>${escapeHtml(c.title)}</h2><div id="${c.id}" class="chart"></div></section>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bmrs check ${escapeHtml(report.range.from)}..${escapeHtml(report.range.to)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
.ok { color: #2e7d32; } .findings li { color: #c62828; }
pre { background: #f5f5f5; padding: 12px; overflow-x: auto; font-size: 12px; }
</style>
<script>${vega}</script>
<script>${vegaLite}</script>
</head><body>
<h1>bmrs check: ${escapeHtml(report.store)}, settlement days ${escapeHtml(report.range.from)}..${escapeHtml(report.range.to)}</h1>
<p>At ${escapeHtml(report.now)}; exit code ${report.exitCode}.</p>
${status}
${sections}
<section><h2>Report</h2><pre>${escapeHtml(stripVTControlCharacters(renderText(report)))}</pre></section>
<script type="application/json" id="bmrs-charts">${scriptJson(charts.map((c) => ({ id: c.id, spec: c.spec })))}</script>
<script>
(async () => {
  const charts = JSON.parse(document.getElementById('bmrs-charts').textContent);
  window.bmrsViews = {};
  for (const c of charts) {
    const spec = vegaLite.compile(c.spec).spec;
    const view = new vega.View(vega.parse(spec), { renderer: 'svg', container: '#' + c.id, hover: true });
    await view.runAsync();
    window.bmrsViews[c.id] = view;
  }
  document.body.dataset.rendered = 'true';
})().catch((e) => { console.error(e); document.body.dataset.rendered = 'failed'; });
</script>
</body></html>
`;
}
