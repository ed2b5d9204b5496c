// Row-level faults: an unknown extra field, or a fractional value in an integer column.
import type { DatasetSpec } from '../core/datasets.js';
import type { FaultDecision } from './faults.js';

/** The integer column type-drift corrupts: the first one that is not a settlement period. */
export function driftColumn(spec: DatasetSpec): string | undefined {
  return spec.columns.find((c) => c.type === 'INTEGER' && !c.name.startsWith('settlementPeriod'))?.name;
}

export function rowMutator(spec: DatasetSpec, d: FaultDecision): ((row: string) => string) | undefined {
  const steps: Array<(row: string) => string> = [];
  const column = d.typeDrift ? driftColumn(spec) : undefined;
  if (column) {
    const re = new RegExp(`("${column}"\\s*:\\s*)(-?\\d+)(?=\\s*[,}])`);
    steps.push((row) => row.replace(re, '$1$2.5'));
  }
  if (d.extraField) steps.push((row) => row.replace(/\s*}\s*$/, ',"newField":"x"}'));
  if (steps.length === 0) return undefined;
  return (row) => steps.reduce((r, step) => step(r), row);
}
