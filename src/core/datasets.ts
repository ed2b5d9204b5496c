// The dataset registry: every dataset is a plain record. Windowing, fetching, verifying, sanitising,
// hashing and storage read these records; nothing else may branch on a dataset code.
// Columns and parameter names come from the OpenAPI document (test/unit/datasets.test.ts checks them
// against it). Column types follow the existing warehouse (docs/compatibility.md section 1): FUELINST
// and FUELHH use the locked DATETIME/DATE schema; the other tables hold their date and time fields
// as TIMESTAMP.

export type ColumnType = 'STRING' | 'INTEGER' | 'FLOAT' | 'BOOLEAN' | 'DATE' | 'DATETIME' | 'TIMESTAMP';

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

/** How an endpoint takes its time window (docs: three families, unknown parameters are ignored). */
export type WindowFamily = 'publish' | 'measurement' | 'fromTo';

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
    | { readonly periodParams: { readonly from: string; readonly to: string } };
  /** Widest window the non-stream endpoint accepts, in minutes; null when undocumented. */
  readonly maxWindowMinutes: number | null;
  /** Calendar unit our windows are aligned to and never wider than. */
  readonly windowUnit: 'day' | 'hour';
  /** The time the endpoint filters on, used to verify windows. */
  readonly eventTime: EventTime;
  /**
   * For publish-time datasets that carry a settlement date but cannot be asked for one: how long
   * after its settlement day a row may still be published, so a day's query window covers it.
   */
  readonly publishLagMinutes?: number;
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
}

const c = (name: string, type: ColumnType): Column => ({ name, type });
const S = 'STRING', I = 'INTEGER', F = 'FLOAT', B = 'BOOLEAN', TS = 'TIMESTAMP';

const PUBLISH = { from: 'publishDateTimeFrom', to: 'publishDateTimeTo' } as const;
const FROM_TO = { from: 'from', to: 'to' } as const;
const SETTLEMENT_DATES = { dateParams: { from: 'settlementDateFrom', to: 'settlementDateTo' } } as const;
const SETTLEMENT_PERIODS = { periodParams: { from: 'settlementPeriodFrom', to: 'settlementPeriodTo' } } as const;

export function tableName(code: string): string {
  return `bmrs_${code.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
}

type Draft = Omit<DatasetSpec, 'table' | 'envelope' | 'windowUnit'> &
  Partial<Pick<DatasetSpec, 'envelope' | 'windowUnit'>>;

function define(d: Draft): DatasetSpec {
  return Object.freeze({ envelope: 'data', windowUnit: 'day', ...d, table: tableName(d.code) });
}

const generationByFuel = (code: string, title: string, cadence: DatasetSpec['cadence']): DatasetSpec =>
  define({
    cadence,
    code,
    title,
    path: `/datasets/${code}`,
    stream: true,
    family: 'publish',
    params: PUBLISH,
    settlementQuery: SETTLEMENT_DATES,
    maxWindowMinutes: null,
    eventTime: { field: 'publishTime' },
    naturalKey: ['startTime', 'fuelType'],
    columns: [
      c('dataset', S), c('publishTime', 'DATETIME'), c('startTime', 'DATETIME'), c('settlementDate', 'DATE'),
      c('settlementPeriod', I), c('fuelType', S), c('generation', I),
    ],
  });

const demandOutturn = (code: string, title: string): DatasetSpec =>
  define({
    code,
    title,
    path: `/datasets/${code}`,
    stream: false,
    family: 'publish',
    params: PUBLISH,
    maxWindowMinutes: null,
    eventTime: { field: 'publishTime' },
    publishLagMinutes: 120,
    naturalKey: ['startTime', 'publishTime'],
    cadence: { rowsPerPeriod: 1, lagMinutes: 120 },
    columns: [
      c('dataset', S), c('publishTime', TS), c('startTime', TS), c('settlementDate', TS),
      c('settlementPeriod', I), c('demand', I),
    ],
  });

const adjustment = (code: string, title: string, naturalKey: string[], cadence: DatasetSpec['cadence'], columns: Column[]): DatasetSpec =>
  define({
    cadence,
    code,
    title,
    path: `/datasets/${code}`,
    stream: true,
    family: 'fromTo',
    params: FROM_TO,
    settlementQuery: SETTLEMENT_PERIODS,
    maxWindowMinutes: null,
    eventTime: { settlementPeriod: true },
    naturalKey,
    columns: [c('dataset', S), c('settlementDate', TS), c('settlementPeriod', I), ...columns],
  });

export const DATASETS: readonly DatasetSpec[] = Object.freeze([
  // Lags are generous on purpose: a day is judged only once the API has surely published all of it.
  // FUELINST: six 5-minute readings per period per fuel type, published as each interval ends.
  generationByFuel('FUELINST', 'Generation by fuel type, 5-minute instantaneous', { rowsPerPeriod: 6, setColumn: 'fuelType', lagMinutes: 30 }),
  generationByFuel('FUELHH', 'Generation by fuel type, half-hourly', { rowsPerPeriod: 1, setColumn: 'fuelType', lagMinutes: 60 }),
  define({
    code: 'FREQ',
    title: 'System frequency, every 15 seconds',
    path: '/datasets/FREQ',
    stream: true,
    family: 'measurement',
    params: { from: 'measurementDateTimeFrom', to: 'measurementDateTimeTo' },
    maxWindowMinutes: 24 * 60,
    eventTime: { field: 'measurementTime' },
    naturalKey: ['measurementTime'],
    columns: [c('dataset', S), c('measurementTime', TS), c('frequency', F)],
  }),
  define({
    code: 'MID',
    title: 'Market index data (APX and N2EX), per settlement period',
    path: '/datasets/MID',
    stream: true,
    family: 'fromTo',
    params: FROM_TO,
    settlementQuery: SETTLEMENT_PERIODS,
    maxWindowMinutes: 7 * 24 * 60,
    eventTime: { field: 'startTime' },
    naturalKey: ['startTime', 'dataProvider'],
    // One price per provider (APX, N2EX) per period, published as the period ends.
    cadence: { rowsPerPeriod: 1, setColumn: 'dataProvider', lagMinutes: 120 },
    columns: [
      c('dataset', S), c('startTime', TS), c('dataProvider', S), c('settlementDate', TS),
      c('settlementPeriod', I), c('price', F), c('volume', F),
    ],
  }),
  demandOutturn('INDO', 'Initial national demand outturn'),
  demandOutturn('ITSDO', 'Initial transmission system demand outturn'),
  define({
    code: 'TEMP',
    title: 'Temperature, daily GB average',
    path: '/datasets/TEMP',
    stream: false,
    family: 'publish',
    params: PUBLISH,
    maxWindowMinutes: null,
    eventTime: { field: 'publishTime' },
    naturalKey: ['measurementDate'],
    columns: [c('dataset', S), c('measurementDate', TS), c('publishTime', TS), c('temperature', F)],
  }),
  define({
    code: 'WINDFOR',
    title: 'Wind generation forecast',
    path: '/datasets/WINDFOR',
    stream: true,
    family: 'publish',
    params: PUBLISH,
    maxWindowMinutes: null,
    eventTime: { field: 'publishTime' },
    naturalKey: ['publishTime', 'startTime'],
    columns: [c('dataset', S), c('publishTime', TS), c('startTime', TS), c('generation', I)],
  }),
  define({
    code: 'BOD',
    title: 'Bid-offer data',
    path: '/datasets/BOD',
    stream: true,
    family: 'fromTo',
    params: FROM_TO,
    settlementQuery: SETTLEMENT_PERIODS,
    maxWindowMinutes: 60,
    eventTime: { field: 'timeFrom' },
    naturalKey: ['bmUnit', 'settlementDate', 'settlementPeriod', 'pairId', 'timeFrom'],
    columns: [
      c('dataset', S), c('settlementDate', TS), c('settlementPeriod', I), c('timeFrom', TS), c('levelFrom', I),
      c('timeTo', TS), c('levelTo', I), c('pairId', I), c('offer', F), c('bid', F), c('nationalGridBmUnit', S),
      c('bmUnit', S),
    ],
  }),
  define({
    code: 'BOALF',
    title: 'Bid-offer acceptances',
    path: '/datasets/BOALF',
    stream: true,
    family: 'fromTo',
    params: FROM_TO,
    settlementQuery: SETTLEMENT_PERIODS,
    maxWindowMinutes: 24 * 60,
    eventTime: { field: 'timeFrom' },
    naturalKey: ['bmUnit', 'acceptanceNumber', 'timeFrom'],
    columns: [
      c('dataset', S), c('settlementDate', TS), c('settlementPeriodFrom', I), c('settlementPeriodTo', I),
      c('timeFrom', TS), c('timeTo', TS), c('levelFrom', I), c('levelTo', I), c('acceptanceNumber', I),
      c('acceptanceTime', TS), c('deemedBoFlag', B), c('soFlag', B), c('amendmentFlag', S), c('storFlag', B),
      c('rrFlag', B), c('nationalGridBmUnit', S), c('bmUnit', S),
    ],
  }),
  adjustment('NETBSAD', 'Net balancing services adjustment data', ['settlementDate', 'settlementPeriod'], { rowsPerPeriod: 1, lagMinutes: 120 }, [
    c('netBuyPriceCostAdjustmentEnergy', F), c('netBuyPriceVolumeAdjustmentEnergy', F),
    c('netBuyPriceVolumeAdjustmentSystem', F), c('buyPricePriceAdjustment', F),
    c('netSellPriceCostAdjustmentEnergy', F), c('netSellPriceVolumeAdjustmentEnergy', F),
    c('netSellPriceVolumeAdjustmentSystem', F), c('sellPricePriceAdjustment', F),
  ]),
  adjustment('DISBSAD', 'Disaggregated balancing services adjustment data', ['settlementDate', 'settlementPeriod', 'id'], undefined, [
    c('id', I), c('cost', F), c('volume', F), c('soFlag', B), c('storFlag', B), c('partyId', S), c('assetId', S),
    c('isTendered', B), c('service', S),
  ]),
  define({
    code: 'WIND_SOLAR_GEN',
    title: 'Actual or estimated wind and solar generation (B1630)',
    path: '/generation/actual/per-type/wind-and-solar',
    stream: false,
    envelope: 'metadata',
    family: 'fromTo',
    params: FROM_TO,
    settlementQuery: SETTLEMENT_PERIODS,
    maxWindowMinutes: 7 * 24 * 60,
    eventTime: { field: 'startTime' },
    naturalKey: ['startTime', 'psrType'],
    // B1630: one value per type (solar, wind onshore, wind offshore) per period, about an hour late.
    cadence: { rowsPerPeriod: 1, setColumn: 'psrType', lagMinutes: 180 },
    columns: [
      c('publishTime', TS), c('businessType', S), c('psrType', S), c('quantity', F), c('startTime', TS),
      c('settlementDate', TS), c('settlementPeriod', I),
    ],
  }),
]);

const BY_CODE = new Map(DATASETS.map((d) => [d.code, d]));

/** The registry record for a code (case-insensitive), or undefined. */
export function findDataset(code: string): DatasetSpec | undefined {
  return BY_CODE.get(code.trim().toUpperCase());
}

export function hasSettlementDate(d: DatasetSpec): boolean {
  return d.columns.some((col) => col.name === 'settlementDate');
}
