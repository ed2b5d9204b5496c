// The shape of a dataset's reviewed record (overrides.ts): what the OpenAPI document cannot say.
// Fields: group (bmrs ingest --group); key (natural key); every (minutes between publications or
// readings) with set [column, members] or rows (rows per publication); lag (a complete settlement day
// is judged this many minutes after its end: the completeness cadence); publishLag (publish-time
// endpoint that carries a settlement date: a day's window reaches this far past the day);
// eventTime (the time the endpoint filters on, where the document does not say); publishNear (rows
// are published within a day before to two days after their settlement date, so a publishTime
// outside that is a contradiction: only where the source says publication follows the period at
// once; forecasts, contracts and revised documents are published days away); maxWindow (a range
// limit in minutes the document does not state but a capture shows: it holds on the stream endpoint
// too, since the capture does not say which endpoint answered); pub (what `every` is: absent, the
// published cadence its source states; 'event', the dataset is published when something happens
// and `every` is only the simulator's rate; 'assumed', a regular cadence we have not verified);
// stale (minutes the newest row may age before `bmrs check` calls the dataset stale; absent, the
// completeness lag when there is one, else the dataset is not judged: its age is reported only);
// byInstant (ask a fromTo endpoint for a day by its local-day instants, without the
// settlementPeriodFrom/To date mode); types (locked
// warehouse column types); route/table/nested/title (routes outside /datasets).
import type { ColumnType, DatasetGroup } from '../datasets.js';

export interface Override {
  readonly group: DatasetGroup;
  readonly key: readonly string[];
  readonly every?: number;
  readonly set?: readonly [string, number];
  readonly rows?: number;
  readonly lag?: number;
  readonly publishLag?: number;
  readonly eventTime?: string;
  readonly publishNear?: true;
  readonly maxWindow?: number;
  readonly pub?: 'event' | 'assumed';
  readonly stale?: number;
  readonly byInstant?: true;
  readonly types?: Readonly<Record<string, ColumnType>>;
  readonly route?: string;
  readonly table?: string;
  readonly nested?: string;
  readonly title?: string;
}
