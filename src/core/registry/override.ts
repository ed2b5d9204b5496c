// The shape of a dataset's reviewed record (overrides.ts): what the OpenAPI document cannot say.
import type { ColumnType, DatasetGroup } from '../datasets.js';

export interface Override {
  /** `bmrs ingest --group`. */
  readonly group: DatasetGroup;
  /** The natural key. */
  readonly key: readonly string[];
  /** Minutes between publications or readings, with `set` or `rows`. */
  readonly every?: number;
  /** [column, members]: each publication holds one row per member of the column. */
  readonly set?: readonly [string, number];
  /** Rows per publication. */
  readonly rows?: number;
  /** A complete settlement day is judged this many minutes after its end: the completeness cadence. */
  readonly lag?: number;
  /** A publish-time endpoint that carries a settlement date: a day's window reaches this far past the day. */
  readonly publishLag?: number;
  /** The time the endpoint filters on, where the document does not say. */
  readonly eventTime?: string;
  /**
   * Rows are published within a day before to two days after their settlement date, so a
   * publishTime outside that is a contradiction: only where the source says publication follows
   * the period at once (forecasts, contracts and revised documents are published days away).
   */
  readonly publishNear?: true;
  /**
   * A range limit in minutes the document does not state but a capture shows: it holds on the
   * stream endpoint too, since the capture does not say which endpoint answered.
   */
  readonly maxWindow?: number;
  /**
   * What `every` is: absent, the published cadence its source states; 'event', the dataset is
   * published when something happens and `every` is only the simulator's rate; 'assumed', a
   * regular cadence we have not verified.
   */
  readonly pub?: 'event' | 'assumed';
  /**
   * Minutes the newest row may age before `bmrs check` calls the dataset stale; absent, the
   * completeness lag when there is one, else the dataset is not judged (its age is reported only).
   */
  readonly stale?: number;
  /** Ask a fromTo endpoint for a day by its local-day instants, without the settlementPeriodFrom/To date mode. */
  readonly byInstant?: true;
  /** Locked warehouse column types. */
  readonly types?: Readonly<Record<string, ColumnType>>;
  /** route, table, nested, title: for routes outside /datasets. */
  readonly route?: string;
  readonly table?: string;
  readonly nested?: string;
  readonly title?: string;
}
