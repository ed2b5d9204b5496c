import { Command } from 'commander';
import { DATASETS } from '../../core/datasets.js';
import { table, writeJson } from '../render.js';

export function datasetsCommand(): Command {
  return new Command('datasets')
    .description('list the datasets bmrs knows: endpoint, window parameters, limits, table')
    .option('--json', 'print the full registry as JSON')
    .action((opts: { json?: boolean }) => {
      if (opts.json) return writeJson(DATASETS);
      const rows = DATASETS.map((d) => [
        d.code,
        d.stream ? `${d.path}/stream` : d.path,
        `${d.params.from}/${d.params.to}`,
        d.stream ? 'none (stream)' : d.maxWindowMinutes === null ? 'undocumented' : duration(d.maxWindowMinutes),
        d.table,
        d.title,
      ]);
      process.stdout.write(table(['DATASET', 'ENDPOINT', 'WINDOW PARAMETERS', 'MAX WINDOW', 'TABLE', 'DESCRIPTION'], rows));
    });
}

function duration(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? '1 day' : `${minutes / 1440} days`;
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}
