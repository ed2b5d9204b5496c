// The dataset registry: every dataset is a plain record. Windowing, fetching, verifying, sanitising,
// hashing and storage read these records; nothing else may branch on a dataset code.
// The records are generated (registry/generated.ts) from the OpenAPI document in spec/ and the
// reviewed overrides (registry/overrides.ts); test/unit/registry.test.ts keeps them in step. Column
// types follow the existing warehouse (docs/compatibility.md section 1): FUELINST and FUELHH use the
// locked DATETIME/DATE schema; the other tables hold their date and time fields as TIMESTAMP.
import { GENERATED } from './registry/generated.js';

export type ColumnType = 'STRING' | 'INTEGER' | 'FLOAT' | 'BOOLEAN' | 'DATE' | 'DATETIME' | 'TIMESTAMP';

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

/**
 * How an endpoint takes its time window (unknown parameters are ignored): a publish, measurement or
 * submission time range; `from`/`to` (settlement dates with settlement-period bounds); settlement
 * dates only (`settlement`); or one settlement date in the path (`settlementDay`).
 */
export type WindowFamily = 'publish' | 'measurement' | 'submission' | 'fromTo' | 'settlement' | 'settlementDay';

/** Groups `bmrs ingest --group` selects. */
export type DatasetGroup = 'realtime' | 'balancing' | 'settlement' | 'forecast' | 'availability' | 'transparency' | 'remit';
export const GROUPS: readonly DatasetGroup[] = ['realtime', 'balancing', 'settlement', 'forecast', 'availability', 'transparency', 'remit'];

/** Where a row's event time comes from: a field, or the start of its settlement period. */
export type EventTime = { readonly field: string } | { readonly settlementPeriod: true };

export interface DatasetSpec {
  readonly code: string;
  readonly title: string;
  /** Path below the API base of the non-stream endpoint. */
  readonly path: string;
  /** Whether `${path}/stream` exists (bare array, no range limit). */
  readonly stream: boolean;
  /** Non-stream body: `{"data":[...]}` or `{"metadata":...,"data":[...]}`. */
  readonly envelope: 'data' | 'metadata';
  readonly family: WindowFamily;
  /** Event-time window parameters (inclusive at both ends). */
  readonly params: { readonly from: string; readonly to: string };
  /**
   * How whole settlement days are asked for, when the endpoint can: `dateParams` are separate
   * settlement-date parameters (FUELINST, FUELHH; never mixed with the publish ones); `periodParams`
   * switch `from`/`to` to settlement dates when given (the fromTo family).
   */
  readonly settlementQuery?:
    | { readonly dateParams: { readonly from: string; readonly to: string } }
    | { readonly periodParams: { readonly from: string; readonly to: string } }
    | { readonly rangeParams: { readonly dateFrom: string; readonly periodFrom: string; readonly dateTo: string; readonly periodTo: string } }
    | { readonly pathParam: string };
  /** Widest window the non-stream endpoint accepts, in minutes; null when undocumented. */
  readonly maxWindowMinutes: number | null;
  /** The limit holds on the stream endpoint too (a limit seen in a captured 400 that does not say which endpoint answered: REMIT). */
  readonly limitOnStream?: true;
  /** Calendar unit our windows are aligned to and never wider than. */
  readonly windowUnit: 'day' | 'hour';
  /** The time the endpoint filters on, used to verify windows. */
  readonly eventTime: EventTime;
  /**
   * For publish-time datasets that carry a settlement date but cannot be asked for one: how long
   * after its settlement day a row may still be published, so a day's query window covers it.
   */
  readonly publishLagMinutes?: number;
  /**
   * Rows are published close to their settlement date (a day before it to two days after it), so a
   * publishTime outside that contradicts the row (consistency.ts, and its SQL twin in transform/sql.ts).
   * Only where the override's source says so (FUELINST, FUELHH, the demand outturns): revisions and
   * forecasts of other datasets are published days away from the date they describe.
   */
  readonly publishNearSettlement?: true;
  readonly naturalKey: readonly string[];
  /**
   * What a complete settlement day holds, checked once its publication is over (the day's end plus
   * `lagMinutes`): every period of the day (46, 48 or 50), each with `rowsPerPeriod` rows per member
   * of the set in `setColumn` (the set is what the day shows: FUELINST's fuel types, MID's
   * providers). Absent: the dataset has no fixed cadence (BOD, DISBSAD) or no settlement periods.
   */
  readonly cadence?: { readonly rowsPerPeriod: number; readonly setColumn?: string; readonly lagMinutes: number };
  readonly columns: readonly Column[];
  readonly table: string;
  /** A `/datasets/{CODE}` endpoint, or another route of the API (system prices, demand outturn). */
  readonly kind?: 'dataset' | 'route';
  readonly group?: DatasetGroup;
  /** STRING columns the document types as arrays: their values are stored as JSON text. */
  readonly jsonColumns?: readonly string[];
  /** Rows hold a nested array under this field: each element becomes a row with the parent's other fields. */
  readonly nested?: { readonly field: string };
  /**
   * How often the API publishes a batch of rows and how many (per member of `setColumn` when given):
   * the counts a day of the dataset implies (the simulator generates it). Absent: event-driven, no
   * fixed count.
   */
  readonly rate?: { readonly everyMinutes: number; readonly rows: number; readonly setColumn?: string };
  /**
   * What `rate` is: absent, the cadence the override's source states; 'event-driven', the dataset
   * is published when something happens and `rate` is only what the simulator generates;
   * 'assumed', a regular cadence nobody has verified. `bmrs datasets` and docs/datasets.md say which.
   */
  readonly published?: 'event-driven' | 'assumed';
  /** Minutes the newest row may age before `bmrs check` calls the dataset stale (freshness.ts). */
  readonly staleAfterMinutes?: number;
}

export function tableName(code: string): string {
  return `bmrs_${code.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
}

/**
 * Every dataset: the `/datasets/{CODE}` endpoints of the OpenAPI document and the extra routes,
 * generated from spec/ and registry/overrides.ts by scripts/gen-registry.mjs (docs/datasets.md).
 */
export const DATASETS: readonly DatasetSpec[] = Object.freeze(GENERATED.map((d) => Object.freeze(d)));

const BY_CODE = new Map(DATASETS.map((d) => [d.code, d]));

/** The registry record for a code (case-insensitive), or undefined. */
export function findDataset(code: string): DatasetSpec | undefined {
  return BY_CODE.get(code.trim().toUpperCase());
}

export function hasSettlementDate(d: DatasetSpec): boolean {
  return d.columns.some((col) => col.name === 'settlementDate');
}
