// Progress on a terminal: one line, per dataset windows done of their total and rows inserted.
// Off a terminal (cron) it stays silent; the summary says the rest.
import type { RunEvent } from '../../core/runner.js';
import { num } from '../render.js';

export interface Progress {
  readonly onEvent: ((e: RunEvent) => void) | undefined;
  done(): void;
}

export function progressReporter(enabled: boolean): Progress {
  if (!enabled) return { onEvent: undefined, done: () => undefined };
  const totals = new Map<string, { total: number; done: number; rows: number }>();
  let shown = false;
  const render = () => {
    const parts = [...totals].map(([code, t]) => `${code} ${num(t.done)}/${num(t.total)} windows, ${num(t.rows)} rows`);
    process.stderr.write(`\r\x1b[K${parts.join(' · ')}`);
    shown = true;
  };
  return {
    onEvent(e) {
      if (e.type === 'planned') for (const d of e.datasets) totals.set(d.dataset, { total: d.windows, done: 0, rows: 0 });
      else if (e.type === 'window-finished') {
        const t = totals.get(e.outcome.window.dataset.code);
        if (t) {
          t.done++;
          t.rows += e.outcome.inserted;
        }
      }
      render();
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}
