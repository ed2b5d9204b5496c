// `bmrs check --json`: the report's facts as they are, except each day's period marks, which are
// written as one string with a character per settlement period (as the text report draws them), so
// a year of days stays readable: "█×" is period 1 complete, period 2 missing.
import type { CheckReport } from './gather.js';
import { MARK_CHARS } from './text.js';

export function jsonReport(r: CheckReport): unknown {
  return {
    ...r,
    datasets: r.datasets.map((h) => ({
      ...h,
      coverage: h.coverage?.map(({ marks, ...day }) => ({ ...day, strip: marks.map((m) => MARK_CHARS[m]).join('') })) ?? null,
    })),
  };
}
