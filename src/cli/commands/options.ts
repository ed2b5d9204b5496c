// Options several commands share, written once so that their help reads the same everywhere.
import { Option } from 'commander';
import { GROUPS } from '../../core/datasets.js';

/** For repeatable options: each use adds its value. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export const dbOption = (): Option => new Option('--db <path>', 'DuckDB file (env BMRS_DUCKDB_PATH; default data/bmrs.duckdb)');

export const sinkOption = (): Option =>
  new Option('--sink <name>', 'where rows are stored: duckdb (default) or bigquery (env BMRS_SINK; BigQuery settings BMRS_BQ_*, docs/bigquery.md)');

/** `--group`; `withDataset`: the groups' datasets are added to those of --dataset. */
export const groupOption = (withDataset = true): Option =>
  new Option('-g, --group <names>', `dataset group(s), comma-separated or repeated${withDataset ? ', added to --dataset' : ''}: ${GROUPS.join('|')}`).argParser(collect);
