// BigQuery's failures in our exit codes (src/sinks/bigquery/errors.ts), as the client library
// reports them: an ApiError with `code` and `errors[].reason`, or a failed job's errorResult.
import { describe, expect, it } from 'vitest';
import { bqError, isTransient } from '../../src/sinks/bigquery/errors.js';

const api = (code: number | undefined, reason: string, message = `${reason} happened`) => Object.assign(new Error(message), { code, errors: [{ reason, message }] });

describe('BigQuery errors', () => {
  it.each([
    ['a quota error (403 quotaExceeded)', api(403, 'quotaExceeded'), 75, /^BigQuery quota or rate limit while loading t: quotaExceeded happened$/],
    ['a rate limit (403 rateLimitExceeded)', api(403, 'rateLimitExceeded'), 75, /quota or rate limit/],
    ['a 429', api(429, 'tooManyRequests'), 75, /service unavailable/],
    ['a 503', api(503, 'backendError'), 75, /service unavailable/],
    ['a concurrent update on a MERGE', api(undefined, 'invalidQuery', 'Could not serialize access to table p:d.t due to concurrent update'), 75, /concurrent update/],
    ['access denied', api(403, 'accessDenied', 'Access Denied: Table p:d.t: Permission bigquery.tables.updateData denied'), 2, /^BigQuery refused access while loading t: Access Denied/],
    ['a missing dataset', api(404, 'notFound', 'Not found: Dataset p:uk_energy_prod'), 2, /not found while loading t/],
    ['an invalid statement (ours)', api(400, 'invalidQuery', 'Syntax error: Unexpected keyword GROUPS'), 70, /^BigQuery rejected a statement while loading t: Syntax error/],
    ['a DNS failure (ENOTFOUND)', Object.assign(new Error('request to https://bigquery.googleapis.com failed, reason: getaddrinfo ENOTFOUND bigquery.googleapis.com'), { code: 'ENOTFOUND' }), 75, /^BigQuery unreachable while loading t/],
    ['a DNS failure (EAI_AGAIN, on the cause)', Object.assign(new Error('fetch failed'), { cause: { code: 'EAI_AGAIN' } }), 75, /^BigQuery unreachable while loading t/],
    ['an invalid private key', new Error('error:1E08010C:DECODER routines::unsupported'), 2, /^BigQuery credentials are invalid while loading t: the service account key cannot be used$/],
    ['missing credentials', new Error('Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.'), 2, /^BigQuery credentials are missing or invalid while loading t$/],
  ])('%s', (_name, error, exitCode, message) => {
    const e = bqError(error, 'loading t');
    expect(e.exitCode).toBe(exitCode);
    expect(e.message).toMatch(message);
    expect(isTransient(error)).toBe(exitCode === 75);
  });

  it('says what to fix: the roles for access, the credentials command, the dataset to create', () => {
    expect(bqError(api(403, 'accessDenied'), 'x').hint).toMatch(/BigQuery Data Editor on the dataset and BigQuery Job User on the project/);
    expect(bqError(new Error('Could not load the default credentials'), 'x').hint).toMatch(/gcloud auth application-default login.*GOOGLE_APPLICATION_CREDENTIALS/);
    expect(bqError(api(404, 'notFound'), 'x').hint).toMatch(/bq mk --location=EU --dataset/);
  });
});
