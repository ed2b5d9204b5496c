// The BigQuery store's settings, read and checked by src/config.ts (BMRS_BQ_*), used by src/sinks/bigquery/.
export interface BigQueryConfig {
  /** BMRS_BQ_PROJECT: the Google Cloud project that owns the dataset and runs the jobs. */
  readonly project: string;
  /** BMRS_BQ_DATASET (default uk_energy_prod). */
  readonly dataset: string;
  /** BMRS_BQ_LOCATION (default EU): where the jobs run; the dataset's own location. */
  readonly location: string;
  /** BMRS_BQ_API_ENDPOINT: an emulator's http(s) URL; with no credentials set, a dummy token is sent. */
  readonly apiEndpoint: string | undefined;
  /** GOOGLE_APPLICATION_CREDENTIALS is set (its value is never kept or printed). */
  readonly hasCredentialsFile: boolean;
  /** BMRS_BQ_ACCEPT_HASH_MISMATCH=1: write into an existing table whose sampled keys bmrs computes differently. */
  readonly acceptHashMismatch?: boolean;
}
