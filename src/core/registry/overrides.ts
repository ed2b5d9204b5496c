// What the OpenAPI document cannot say, one reviewed record per dataset; deriveRegistry (derive.ts)
// merges it with the document, and scripts/gen-registry.mjs writes the result to generated.ts.
// The comment above each record names where its facts come from. Sources: [api] the team's notes on
// the Elexon API (shared/docs, elexon-api); [compat] docs/compatibility.md; [sample] a captured
// response in test/fixtures/elexon; [doc] the dataset's OpenAPI description text; [assumed] our reading of
// the dataset's purpose, not verified against a capture (rates of event-driven datasets are what the
// simulator generates, not a promise of the API).
// Each field is described on the record's type (override.ts).
import type { Override } from './override.js';

/** Minutes in a day, for stale thresholds. */
const DAY = 1440;
const LOCKED = { publishTime: 'DATETIME', startTime: 'DATETIME', settlementDate: 'DATE' } as const;
const BMU = ['bmUnit', 2] as const;
const unitKey = (...k: string[]): string[] => ['bmUnit', 'settlementDate', 'settlementPeriod', ...k];

export const OVERRIDES: Readonly<Record<string, Override>> = {
  // [api] "FUELINST in detail": 5-minute readings, 20 fuel types, key (startTime, fuelType); [compat] §1 locked DATETIME/DATE; lag: ours
  // publishNear: [api] each reading is published minutes after it is taken
  FUELINST: { group: 'realtime', key: ['startTime', 'fuelType'], every: 5, set: ['fuelType', 20], lag: 30, publishNear: true, types: LOCKED },
  // [sample] FUELHH CSV: one row per fuel type per period; [compat] §1 shares FUELINST's locked schema
  // publishNear: [sample] the CSV's publishTime is the end of its period
  FUELHH: { group: 'realtime', key: ['startTime', 'fuelType'], every: 30, set: ['fuelType', 20], lag: 60, publishNear: true, types: LOCKED },
  // [api] FREQ: a reading every 15 seconds
  // stale: [api] a reading every 15 s, so half an hour without one is a fault (threshold ours)
  FREQ: { group: 'realtime', key: ['measurementTime'], every: 0.25, stale: 30 },
  // [sample] MID excerpt: APXMIDP and N2EXMIDP per period; [api] from/to filters on startTime
  MID: { group: 'balancing', key: ['startTime', 'dataProvider'], every: 30, set: ['dataProvider', 2], lag: 120, eventTime: 'startTime' },
  // [sample] INDO excerpt: one row per period published as it ends; [doc] /demand/outturn "within 15 minutes" (lag 2 h: ours)
  // publishNear: [sample] the excerpt's publishTime follows its period by minutes
  INDO: { group: 'realtime', key: ['startTime', 'publishTime'], every: 30, lag: 120, publishLag: 120, publishNear: true },
  // [assumed] as INDO (same endpoint family and row shape)
  // publishNear: [doc] /demand/outturn "within 15 minutes of the end of the period" (ITSDO is one of its sources)
  ITSDO: { group: 'realtime', key: ['startTime', 'publishTime'], every: 30, lag: 120, publishLag: 120, publishNear: true },
  // [doc] TEMP "published from 5pm each day": one daily row
  // stale: [doc] one row a day published from 5 pm, so the newest date can be two days old
  TEMP: { group: 'realtime', key: ['measurementDate'], every: 1440, stale: 2 * DAY },
  // [api] WINDFOR: hourly forecasts, published several times a day (no fixed count per day)
  // stale: [api] several publications a day
  WINDFOR: { group: 'forecast', key: ['publishTime', 'startTime'], stale: DAY },
  // [api] BOD: event-driven, no fixed count; [api] claimed to filter on timeFrom
  // stale: [assumed] the balancing mechanism has submissions every period, so a day without any is a fault
  BOD: { group: 'balancing', key: ['bmUnit', 'settlementDate', 'settlementPeriod', 'pairId', 'timeFrom'], eventTime: 'timeFrom', stale: DAY },
  // [api] BOALF: event-driven acceptances; filters on timeFrom
  // stale: [assumed] as BOD, acceptances every day
  BOALF: { group: 'balancing', key: ['bmUnit', 'acceptanceNumber', 'timeFrom'], eventTime: 'timeFrom', stale: DAY },
  // [api] NETBSAD: one row per settlement period
  NETBSAD: { group: 'balancing', key: ['settlementDate', 'settlementPeriod'], every: 30, lag: 120, eventTime: 'settlementPeriod' },
  // [api] DISBSAD: event-driven actions, keyed by id
  // stale: [assumed] as BOD, balancing actions every day
  DISBSAD: { group: 'balancing', key: ['settlementDate', 'settlementPeriod', 'id'], eventTime: 'settlementPeriod', stale: DAY },
  // [doc] B1630 "filters by startTime"; three PSR types per period (Solar, Wind Offshore, Wind Onshore)
  WIND_SOLAR_GEN: { group: 'transparency', route: '/generation/actual/per-type/wind-and-solar', title: 'Actual or estimated wind and solar generation (B1630)', key: ['startTime', 'psrType'], every: 30, set: ['psrType', 3], lag: 180 },
  // [sample] SYSTEMPRICES CSV: one row per period, created about a day later; old table COSTS
  COSTS: { group: 'settlement', route: '/balancing/settlement/system-prices/{settlementDate}', table: 'bmrs_costs', title: 'System buy and sell prices per settlement period (DISEBSP)', key: ['settlementDate', 'settlementPeriod'], every: 30, lag: 1500, eventTime: 'startTime' },
  // [doc] "filters by startTime, and groups results by settlement period"; nested data [{businessType, psrType, quantity}]
  // byInstant: [assumed] the document says only that it filters by startTime, so a day is asked as its
  // local-day instants; that settlementPeriodFrom/To turn from/to into dates here is not documented.
  // pub: [assumed] a row per period; stale: a day. No completeness lag: rows carry no settlement date.
  GEN_PER_TYPE: { group: 'transparency', route: '/generation/actual/per-type', nested: 'data', title: 'Actual generation per PSR type, per settlement period (AGPT/B1620 summary)', key: ['startTime', 'psrType'], every: 30, set: ['psrType', 4], pub: 'assumed', stale: DAY, byInstant: true },
  // [doc] /demand/outturn "updated every 30 minutes and within 15 minutes of the end of the period"
  // publishNear: [doc] the same "within 15 minutes of the end of the period"
  DEMAND_OUTTURN: { group: 'realtime', route: '/demand/outturn', title: 'Initial national and transmission demand outturn (INDO, ITSDO)', key: ['settlementDate', 'settlementPeriod'], every: 30, lag: 120, eventTime: 'startTime', publishNear: true },
  // [doc] NONBM: from/to is "the data publish time window"; one value per period [assumed]
  NONBM: { group: 'balancing', key: ['settlementDate', 'settlementPeriod'], every: 30, eventTime: 'publishTime', pub: 'assumed' },
  // [doc] PN/QPN per BM unit per period; [api] "PN/QPN/B1610 streams" take from/to; timeFrom [assumed]
  // pub: [assumed] notifications are resubmitted when they change; stale: [assumed] as BOD
  PN: { group: 'balancing', key: unitKey('timeFrom'), every: 30, set: BMU, eventTime: 'timeFrom', pub: 'event', stale: DAY },
  // [doc] Quiescent Physical Notifications (QPN); key and rate as PN above
  // pub, stale: as PN
  QPN: { group: 'balancing', key: unitKey('timeFrom'), every: 30, set: BMU, eventTime: 'timeFrom', pub: 'event', stale: DAY },
  // [doc] MELS/MILS notifications carry notificationSequence; rate [assumed]
  // pub, stale: as PN
  MELS: { group: 'balancing', key: ['bmUnit', 'timeFrom', 'notificationSequence'], every: 30, set: BMU, eventTime: 'timeFrom', pub: 'event', stale: DAY },
  // [doc] Maximum Import Limit (MILS); key and rate as MELS above
  // pub, stale: as PN
  MILS: { group: 'balancing', key: ['bmUnit', 'timeFrom', 'notificationSequence'], every: 30, set: BMU, eventTime: 'timeFrom', pub: 'event', stale: DAY },
  // [doc] QAS: one volume per BM unit per period
  // stale: not judged, the document does not say when a period's volume is published
  QAS: { group: 'balancing', key: unitKey(), every: 30, set: BMU, eventTime: 'settlementPeriod' },
  // [doc] dynamic data (SIL, SEL, MZT, MNZT, MDV, MDP, NTB, NTO, NDZ, RURE, RDRE, RURI, RDRI): per BM unit at `time`; event-driven [assumed rate]
  // pub: [doc] dynamic data is sent when a unit's parameter changes; not judged for staleness
  SIL: { group: 'balancing', key: unitKey('time'), every: 30, set: BMU, eventTime: 'time', pub: 'event' },
  // [doc] Stable Export Limit (SEL); key and rate as SIL above
  // pub: as SIL, sent when a unit's parameter changes; not judged for staleness
  SEL: { group: 'balancing', key: unitKey('time'), every: 30, set: BMU, eventTime: 'time', pub: 'event' },
  // [doc] Minimum Zero Time (MZT); key and rate as SIL above
  // pub: as SIL, sent when a unit's parameter changes; not judged for staleness
  MZT: { group: 'balancing', key: unitKey('time'), every: 30, set: BMU, eventTime: 'time', pub: 'event' },
  // [doc] Minimum Non-Zero Time (MNZT); key and rate as SIL above
  // pub: as SIL, sent when a unit's parameter changes; not judged for staleness
  MNZT: { group: 'balancing', key: unitKey('time'), every: 30, set: BMU, eventTime: 'time', pub: 'event' },
  // [doc] Maximum Delivery Volume (MDV); key and rate as SIL above
  // pub: as SIL, sent when a unit's parameter changes; not judged for staleness
  MDV: { group: 'balancing', key: unitKey('time'), every: 30, set: BMU, eventTime: 'time', pub: 'event' },
  // [doc] Maximum Delivery Period (MDP); key and rate as SIL above
  // pub: as SIL, sent when a unit's parameter changes; not judged for staleness
  MDP: { group: 'balancing', key: unitKey('time'), every: 30, set: BMU, eventTime: 'time', pub: 'event' },
  // [doc] Notice to Deliver Bids (NTB); key and rate as SIL above
  // pub: as SIL, sent when a unit's parameter changes; not judged for staleness
  NTB: { group: 'balancing', key: unitKey('time'), every: 30, set: BMU, eventTime: 'time', pub: 'event' },
  // [doc] Notice to Deliver Offers (NTO); key and rate as SIL above
  // pub: as SIL, sent when a unit's parameter changes; not judged for staleness
  NTO: { group: 'balancing', key: unitKey('time'), every: 30, set: BMU, eventTime: 'time', pub: 'event' },
  // [doc] Notice to Deviate from Zero (NDZ); key and rate as SIL above
  // pub: as SIL, sent when a unit's parameter changes; not judged for staleness
  NDZ: { group: 'balancing', key: unitKey('time'), every: 30, set: BMU, eventTime: 'time', pub: 'event' },
  // [doc] Run Up Rate Export (RURE); key and rate as SIL above
  // pub: as SIL, sent when a unit's parameter changes; not judged for staleness
  RURE: { group: 'balancing', key: unitKey('time'), every: 30, set: BMU, eventTime: 'time', pub: 'event' },
  // [doc] Run Down Rate Export (RDRE); key and rate as SIL above
  // pub: as SIL, sent when a unit's parameter changes; not judged for staleness
  RDRE: { group: 'balancing', key: unitKey('time'), every: 30, set: BMU, eventTime: 'time', pub: 'event' },
  // [doc] Run Up Rate Import (RURI); key and rate as SIL above
  // pub: as SIL, sent when a unit's parameter changes; not judged for staleness
  RURI: { group: 'balancing', key: unitKey('time'), every: 30, set: BMU, eventTime: 'time', pub: 'event' },
  // [doc] Run Down Rate Import (RDRI); key and rate as SIL above
  // pub: as SIL, sent when a unit's parameter changes; not judged for staleness
  RDRI: { group: 'balancing', key: unitKey('time'), every: 30, set: BMU, eventTime: 'time', pub: 'event' },
  // [doc] B1610 actual generation per BM unit per period (settlement metering)
  // stale: not judged, metered volumes arrive days after their period and the document does not say when
  B1610: { group: 'settlement', key: unitKey(), every: 30, set: BMU, eventTime: 'settlementPeriod' },
  // [doc] TUDM per trading unit per period and settlement run; the document does not say what the window filters
  // stale: not judged, as B1610
  TUDM: { group: 'settlement', key: ['tradingUnitName', 'settlementDate', 'settlementPeriod', 'settlementRunType'], every: 30, set: ['tradingUnitName', 2], eventTime: 'settlementPeriod' },
  // [doc] OC2 availability per BM unit / fuel type, published daily [assumed rate]
  // pub: [assumed] daily; stale: two days
  UOU2T14D: { group: 'availability', key: ['bmUnit', 'publishTime', 'forecastDate'], every: 1440, set: BMU, pub: 'assumed', stale: 2 * DAY },
  // [doc] 2 to 156 weeks ahead generation availability aggregated by Balancing Mechanism Units (UOU2T3YW); key and rate as UOU2T14D above
  // pub: [assumed] weekly (a forecast by week); stale: eight days
  UOU2T3YW: { group: 'availability', key: ['bmUnit', 'publishTime', 'year', 'week'], every: 1440, set: BMU, pub: 'assumed', stale: 8 * DAY },
  // [doc] 2 to 14 days ahead generation availability aggregated by fuel type (FOU2T14D); key and rate as UOU2T14D above
  // pub: [assumed] daily; stale: two days
  FOU2T14D: { group: 'availability', key: ['fuelType', 'publishTime', 'forecastDate', 'biddingZone'], every: 1440, set: ['fuelType', 2], pub: 'assumed', stale: 2 * DAY },
  // [doc] 2 to 156 weeks ahead generation availability aggregated by fuel type (FOU2T3YW); key and rate as UOU2T14D above
  // pub: [assumed] weekly (a forecast by week); stale: eight days
  FOU2T3YW: { group: 'availability', key: ['fuelType', 'publishTime', 'year', 'calendarWeekNumber', 'biddingZone'], every: 1440, set: ['fuelType', 2], pub: 'assumed', stale: 8 * DAY },
  // [doc] 2 to 14 days ahead generation availability aggregated data (NOU2T14D); key and rate as UOU2T14D above
  // pub: [assumed] daily; stale: two days
  NOU2T14D: { group: 'availability', key: ['publishTime', 'forecastDate'], every: 1440, pub: 'assumed', stale: 2 * DAY },
  // [doc] 2 to 156 weeks ahead generation availability aggregated data (NOU2T3YW); key and rate as UOU2T14D above
  // pub: [assumed] weekly (a forecast by week); stale: eight days
  NOU2T3YW: { group: 'availability', key: ['publishTime', 'year', 'calendarWeekNumber'], every: 1440, pub: 'assumed', stale: 8 * DAY },
  // [doc] day-ahead forecasts per boundary, published each half hour [assumed rate]
  // pub: [assumed] each half hour; stale: [doc] day and day-ahead forecasts, so a day without one is a fault
  INDGEN: { group: 'forecast', key: ['publishTime', 'startTime', 'boundary'], every: 30, set: ['boundary', 2], pub: 'assumed', stale: DAY },
  // [doc] Day and day-ahead indicated demand (INDDEM); key and rate as INDGEN above
  // pub: [assumed] each half hour; stale: [doc] day and day-ahead forecasts, so a day without one is a fault
  INDDEM: { group: 'forecast', key: ['publishTime', 'startTime', 'boundary'], every: 30, set: ['boundary', 2], pub: 'assumed', stale: DAY },
  // [doc] Day and day-ahead indicated margin (MELNGC); key and rate as INDGEN above
  // pub: [assumed] each half hour; stale: [doc] day and day-ahead forecasts, so a day without one is a fault
  MELNGC: { group: 'forecast', key: ['publishTime', 'startTime', 'boundary'], every: 30, set: ['boundary', 2], pub: 'assumed', stale: DAY },
  // [doc] Day and day-ahead indicated imbalance (IMBALNGC); key and rate as INDGEN above
  // pub: [assumed] each half hour; stale: [doc] day and day-ahead forecasts, so a day without one is a fault
  IMBALNGC: { group: 'forecast', key: ['publishTime', 'startTime', 'boundary'], every: 30, set: ['boundary', 2], pub: 'assumed', stale: DAY },
  // [doc] Day and day-ahead Transmission System Demand forecast (TSDF); key and rate as INDGEN above
  // pub: [assumed] each half hour; stale: [doc] day and day-ahead forecasts, so a day without one is a fault
  TSDF: { group: 'forecast', key: ['publishTime', 'startTime', 'boundary'], every: 30, set: ['boundary', 2], pub: 'assumed', stale: DAY },
  // [doc] Day and day-ahead National Demand forecast (NDF); key and rate as INDGEN above
  // pub: [assumed] each half hour; stale: [doc] day and day-ahead forecasts, so a day without one is a fault
  NDF: { group: 'forecast', key: ['publishTime', 'startTime'], every: 30, pub: 'assumed', stale: DAY },
  // [doc] INDOD: one daily total per settlement date
  // stale: [doc] one total a day, for a day that has ended
  INDOD: { group: 'realtime', key: ['settlementDate'], every: 1440, stale: 2 * DAY },
  // [doc] 2-14 day and 2-52 week demand forecasts and margins, published daily [assumed rate]
  // pub: [assumed] daily; stale: two days
  NDFD: { group: 'forecast', key: ['publishTime', 'forecastDate'], every: 1440, pub: 'assumed', stale: 2 * DAY },
  // [doc] 2-14 days ahead Transmission System Demand and surplus forecast (TSDFD); key and rate as NDFD above
  // pub: [assumed] daily; stale: two days
  TSDFD: { group: 'forecast', key: ['publishTime', 'forecastDate'], every: 1440, pub: 'assumed', stale: 2 * DAY },
  // [doc] 2-52 weeks ahead National Demand and surplus forecast (NDFW); key and rate as NDFD above
  // pub: [assumed] weekly (forecasts by week); stale: eight days
  NDFW: { group: 'forecast', key: ['publishTime', 'year', 'week'], every: 1440, pub: 'assumed', stale: 8 * DAY },
  // [doc] 2-52 weeks ahead Transmission System Demand and surplus forecast (TSDFW); key and rate as NDFD above
  // pub: [assumed] weekly (forecasts by week); stale: eight days
  TSDFW: { group: 'forecast', key: ['publishTime', 'year', 'week'], every: 1440, pub: 'assumed', stale: 8 * DAY },
  // [doc] 2-14 days ahead demand surplus forecast (OCNMFD); key and rate as NDFD above
  // pub: [assumed] daily; stale: two days
  OCNMFD: { group: 'forecast', key: ['publishTime', 'forecastDate'], every: 1440, pub: 'assumed', stale: 2 * DAY },
  // [doc] 2-14 days ahead demand margin forecast (OCNMFD2); key and rate as NDFD above
  // pub: [assumed] daily; stale: two days
  OCNMFD2: { group: 'forecast', key: ['publishTime', 'forecastDate'], every: 1440, pub: 'assumed', stale: 2 * DAY },
  // [doc] 2-156 weeks ahead demand surplus forecast (OCNMF3Y); key and rate as NDFD above
  // pub: [assumed] weekly (forecasts by week); stale: eight days
  OCNMF3Y: { group: 'forecast', key: ['publishTime', 'year', 'week'], every: 1440, pub: 'assumed', stale: 8 * DAY },
  // [doc] 2-156 weeks ahead demand margin forecast (OCNMF3Y2); key and rate as NDFD above
  // pub: [assumed] weekly (forecasts by week); stale: eight days
  OCNMF3Y2: { group: 'forecast', key: ['publishTime', 'year', 'week'], every: 1440, pub: 'assumed', stale: 8 * DAY },
  // [doc] LOLP and de-rated margin per period, published each half hour [assumed rate]
  // pub: [assumed] each half hour; stale: a day
  LOLPDRM: { group: 'forecast', key: ['publishTime', 'startTime'], every: 30, pub: 'assumed', stale: DAY },
  // [doc] credit default notices, system warnings, demand control, SO-SO trades: event-driven [assumed rate]
  // pub: [doc] event-driven; not judged for staleness (days without one are normal)
  CDN: { group: 'settlement', key: ['publishTime', 'bscPartyId'], every: 1440, pub: 'event' },
  // [doc] System warnings (SYSWARN); key and rate as CDN above
  // pub: [doc] event-driven; not judged for staleness (days without one are normal)
  SYSWARN: { group: 'realtime', key: ['publishTime', 'warningType'], every: 1440, pub: 'event' },
  // [doc] Demand control instructions (DCI); key and rate as CDN above
  // pub: [doc] event-driven; not judged for staleness (days without one are normal)
  DCI: { group: 'balancing', key: ['mRID', 'revisionNumber', 'instructionSequence'], every: 1440, pub: 'event' },
  // [doc] SO-SO prices (SOSO); key and rate as CDN above
  // pub: [doc] event-driven; not judged for staleness (days without one are normal)
  SOSO: { group: 'balancing', key: ['contractIdentification', 'startTime'], every: 30, pub: 'event' },
  // [doc] restoration region demand forecasts/restored demand by submission time [assumed rate]
  // pub: [doc] event-driven; not judged for staleness (days without one are normal)
  RZDF: { group: 'forecast', key: ['submissionDateTime', 'region', 'gspGroupId'], every: 1440, set: ['region', 2], pub: 'event' },
  // [doc] Restoration Region Demand Restored (RZDR); key and rate as RZDF above
  // pub: [doc] event-driven; not judged for staleness (days without one are normal)
  RZDR: { group: 'realtime', key: ['submissionDateTime', 'region', 'gspGroupId'], every: 1440, set: ['region', 2], pub: 'event' },
  // [doc] REMIT messages: keyed by mrid and revision; outageProfile is an array (kept as JSON text)
  // maxWindow: [sample] ERROR400_gridflow_REMIT-range_2026-05-08.json, the publish range "must not exceed 1 day"
  // pub: [doc] a message per outage event; stale: [assumed] messages arrive every day
  REMIT: { group: 'remit', key: ['mrid', 'revisionNumber'], every: 1440, maxWindow: 1440, pub: 'event', stale: DAY },
  // [doc] transparency (EU 543/2013) documents keyed by their time, type and document revision [assumed]
  // pub: [assumed] each period; stale: a day
  AGWS: { group: 'transparency', key: ['startTime', 'psrType', 'documentRevisionNumber'], every: 30, set: ['psrType', 3], pub: 'assumed', stale: DAY },
  // [doc] Day-Ahead Generation For Wind And Solar (DGWS / B1440); key and rate as AGWS above
  // pub: [assumed] each period; stale: a day
  DGWS: { group: 'transparency', key: ['startTime', 'psrType', 'processType', 'documentRevisionNumber'], every: 30, set: ['psrType', 3], pub: 'assumed', stale: DAY },
  // [doc] Actual Aggregated Generation Per Type (AGPT / B1620); key and rate as AGWS above
  // pub: [assumed] each period; stale: a day
  AGPT: { group: 'transparency', key: ['startTime', 'psrType', 'documentRevisionNumber'], every: 30, set: ['psrType', 4], pub: 'assumed', stale: DAY },
  // [doc] Installed Generation Capacity Aggregated (IGCA / B1410); key and rate as AGWS above
  // pub: [assumed] once a year (capacity per year); stale: 400 days
  IGCA: { group: 'transparency', key: ['year', 'psrType', 'documentRevisionNumber', 'publishTime'], every: 1440, set: ['psrType', 2], pub: 'assumed', stale: 400 * DAY },
  // [doc] Installed Generation Capacity per Unit (IGCPU / B1420); key and rate as AGWS above
  // pub: [assumed] when a unit's installed capacity changes; not judged
  IGCPU: { group: 'transparency', key: ['registeredResourceEicCode', 'effectiveFrom', 'publishTime'], every: 1440, pub: 'event' },
  // [doc] Actual Total Load Per Bidding Zone (ATL / B0610); key and rate as AGWS above
  // pub: [assumed] each period; stale: a day
  ATL: { group: 'transparency', key: ['startTime', 'documentRevisionNumber'], every: 30, pub: 'assumed', stale: DAY },
  // [doc] Day-Ahead Total Load Forecast Per Bidding Zone (DATL / B0620); key and rate as AGWS above
  // pub: [assumed] each period; stale: a day
  DATL: { group: 'forecast', key: ['startTime', 'documentRevisionNumber'], every: 30, pub: 'assumed', stale: DAY },
  // [doc] Week-Ahead Total Load Forecast Per Bidding Zone (WATL / B0630); key and rate as AGWS above
  // pub: [assumed] weekly (week-ahead forecast); stale: eight days
  WATL: { group: 'forecast', key: ['forecastDate', 'documentRevisionNumber', 'publishTime'], every: 1440, pub: 'assumed', stale: 8 * DAY },
  // [doc] Day-Ahead Aggregated Generation (DAG / B1430); key and rate as AGWS above
  // pub: [assumed] each period; stale: a day
  DAG: { group: 'forecast', key: ['startTime', 'documentRevisionNumber'], every: 30, pub: 'assumed', stale: DAY },
  // [doc] Month-Ahead Total Load Forecast Per Bidding Zone (MATL / B0640); key and rate as AGWS above
  // pub: [assumed] monthly (month-ahead forecast); stale: 35 days
  MATL: { group: 'forecast', key: ['forecastWeekCommencingDate', 'documentRevisionNumber', 'publishTime'], every: 1440, pub: 'assumed', stale: 35 * DAY },
  // [doc] Year-Ahead Total Load Forecast Per Bidding Zone (YATL / B0650); key and rate as AGWS above
  // pub: [assumed] once a year (year-ahead forecast); stale: 400 days
  YATL: { group: 'forecast', key: ['forecastYear', 'forecastWeek', 'documentRevisionNumber', 'publishTime'], every: 1440, pub: 'assumed', stale: 400 * DAY },
  // [doc] Cost of Congestion Management (CCM / B1330); key and rate as AGWS above
  // pub: [assumed] monthly (costs per month); stale: 35 days
  CCM: { group: 'transparency', key: ['year', 'month', 'businessType', 'documentRevisionNumber', 'publishTime'], every: 1440, pub: 'assumed', stale: 35 * DAY },
  // [doc] Year Ahead Forecast Margin (YAFM / B0810); key and rate as AGWS above
  // pub: [assumed] once a year (year-ahead margin); stale: 400 days
  YAFM: { group: 'forecast', key: ['year', 'businessType', 'documentRevisionNumber', 'publishTime'], every: 1440, pub: 'assumed', stale: 400 * DAY },
  // [doc] Amount Of Balancing Reserves Under Contract (ABUC / B1720); key and rate as AGWS above
  // pub: [assumed] daily; stale: two days
  ABUC: { group: 'transparency', key: ['settlementDate', 'psrType', 'flowDirection', 'documentRevisionNumber'], every: 1440, set: ['psrType', 2], pub: 'assumed', stale: 2 * DAY },
  // [doc] Prices Of Procured Balancing Reserves (PPBR / B1730); key and rate as AGWS above
  // pub: [assumed] daily; stale: two days
  PPBR: { group: 'transparency', key: ['settlementDate', 'psrType', 'flowDirection', 'documentRevisionNumber'], every: 1440, set: ['psrType', 2], pub: 'assumed', stale: 2 * DAY },
  // [doc] Financial Expenses and Income for Balancing (FEIB / B1790); key and rate as AGWS above
  // pub: [assumed] monthly (expenses per month); stale: 35 days
  FEIB: { group: 'transparency', key: ['year', 'month', 'priceDirection', 'documentRevisionNumber', 'publishTime'], every: 1440, pub: 'assumed', stale: 35 * DAY },
  // [doc] Accepted Offered Balancing Energy (AOBE); key and rate as AGWS above
  // pub: [assumed] each period; stale: a day
  AOBE: { group: 'transparency', key: ['startTime', 'flowDirection', 'timeSeriesId'], every: 30, set: ['flowDirection', 2], pub: 'assumed', stale: DAY },
  // [doc] Balancing Energy Bids (BEB); key and rate as AGWS above
  // pub: [assumed] each period; stale: a day
  BEB: { group: 'transparency', key: ['startTime', 'bidId', 'documentRevisionNumber'], every: 30, set: ['bidId', 2], pub: 'assumed', stale: DAY },
  // [doc] Current Balancing State (CBS); key and rate as AGWS above
  // pub: [assumed] each period; stale: a day
  CBS: { group: 'transparency', key: ['timeFrom', 'flowDirection', 'documentRevisionNumber'], every: 30, set: ['flowDirection', 2], pub: 'assumed', stale: DAY },
  // [doc] Procured Balancing Capacity (PBC); key and rate as AGWS above
  // pub: [assumed] each period; stale: a day
  PBC: { group: 'transparency', key: ['startTime', 'psrType', 'flowDirection', 'timeSeriesId'], every: 30, set: ['psrType', 2], pub: 'assumed', stale: DAY },
};
