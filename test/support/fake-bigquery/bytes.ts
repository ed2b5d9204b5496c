// What BigQuery would bill a statement, from the fake's real rows: for each table the statement
// reads, the bytes of the columns it names (all of them for `SELECT *`), over the partitions its
// literal bounds on the partition column leave (the rest are pruned). BigQuery's data sizes: STRING
// 2 bytes + UTF-8 length, INT64, FLOAT64, DATE, DATETIME and TIMESTAMP 8, BOOL 1, NULL 0.
import type { Engine } from './engine.js';

const SIZE: Record<string, (c: string) => string> = {
  STRING: (c) => `coalesce(strlen(${c}) + 2, 0)`,
  BOOLEAN: (c) => `CASE WHEN ${c} IS NULL THEN 0 ELSE 1 END`,
};
const fixed = (c: string) => `CASE WHEN ${c} IS NULL THEN 0 ELSE 8 END`;

function bounds(sql: string, field: string): { lo: string; hi: string; hiExclusive: boolean } | null {
  const f = `\`?${field}\`?`;
  const between = new RegExp(`${f} BETWEEN DATE '([\\d-]+)' AND DATE '([\\d-]+)'`).exec(sql);
  if (between) return { lo: between[1], hi: between[2], hiExclusive: false };
  const range = new RegExp(`${f} >= (?:DATETIME|TIMESTAMP) '([\\d-]+) [^']*' AND \\S*${f} < (?:DATETIME|TIMESTAMP) '([\\d-]+) [^']*'`).exec(sql);
  if (range) return { lo: range[1], hi: range[2], hiExclusive: true };
  return null;
}

export async function bytesProcessed(engine: Engine, dataset: string, sql: string): Promise<{ bytes: number; tables: number }> {
  let total = 0;
  let tables = 0;
  for (const [key, meta] of engine.tables) {
    const [d, t] = key.split('.');
    if (d !== dataset || !sql.includes(`.${t}\``)) continue;
    tables++;
    const star = new RegExp(`SELECT \\*[^\\n]*?FROM \`[^\`]+\\.${t}\``).test(sql);
    // A MERGE's target is read only where its ON clause looks (an INSERT's column list reads nothing).
    const target = new RegExp(`^MERGE INTO \`[^\`]+\\.${t}\``).test(sql);
    const read = target ? (/\nON ([\s\S]*?)\nWHEN/.exec(sql)?.[1] ?? '') : sql;
    const cols = meta.fields.filter((f) => (star && !target) || new RegExp(`\\b${f.name}\\b`).test(read));
    if (cols.length === 0) continue;
    const part = meta.timePartitioning?.field;
    const b = part ? bounds(sql, part) : null;
    const where = b
      ? `WHERE CAST("${part}" AS DATE) >= DATE '${b.lo}' AND CAST("${part}" AS DATE) ${b.hiExclusive ? '<' : '<='} DATE '${b.hi}'`
      : '';
    const expr = cols.map((f) => (SIZE[f.type] ?? fixed)(`"${f.name}"`)).join(' + ');
    const r = await engine.conn.runAndReadAll(`SELECT coalesce(sum(${expr}), 0) FROM "${d}"."${t}" ${where}`);
    total += Number(r.getRows()[0][0]);
  }
  return { bytes: total, tables };
}
