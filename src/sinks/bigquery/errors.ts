// BigQuery's failures in our terms (docs/exit-codes.md): quota and rate limits, 5xx, job-id and
// concurrent-update conflicts are transient (75, after retries); permission, a missing dataset and
// missing credentials are configuration (2); an invalid statement is a bug of ours (70). Messages
// name what to fix and never carry credentials (the client's errors hold none; we copy only
// `message` and `reason`).
import { isBmrsError, StoreFailure, TransientError, UsageError, type BmrsError } from '../../core/errors.js';

interface ApiErrorLike {
  code?: number | string;
  message?: string;
  errors?: { reason?: string; message?: string }[];
  reason?: string;
}

const TRANSIENT_REASONS = new Set(['rateLimitExceeded', 'quotaExceeded', 'backendError', 'internalError', 'jobBackendError', 'jobInternalError', 'tableUnavailable']);
const CONCURRENT = /could not serialize access .* due to concurrent update|concurrent update/i;

export function reasons(e: unknown): string[] {
  const x = e as ApiErrorLike;
  const out = (x?.errors ?? []).map((r) => r.reason ?? '').filter(Boolean);
  if (x?.reason) out.push(x.reason);
  return out;
}

export function statusOf(e: unknown): number | null {
  const code = Number((e as ApiErrorLike)?.code);
  return Number.isInteger(code) && code >= 100 ? code : null;
}

export function isConcurrentUpdate(e: unknown): boolean {
  return CONCURRENT.test(messageOf(e));
}

export function isAlreadyExists(e: unknown): boolean {
  return statusOf(e) === 409 || reasons(e).includes('duplicate');
}

export function isNotFound(e: unknown): boolean {
  return statusOf(e) === 404 || reasons(e).includes('notFound');
}

export function isTransient(e: unknown): boolean {
  if (isBmrsError(e)) return e.retryable;
  const status = statusOf(e);
  if (status === 429 || (status !== null && status >= 500)) return true;
  if (isConcurrentUpdate(e)) return true;
  if (reasons(e).some((r) => TRANSIENT_REASONS.has(r))) return true;
  return NETWORK_CODES.has(errnoOf(e) ?? '');
}

/** Network failures, DNS ones included (a resolver down or no network): transient. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED']);

function errnoOf(e: unknown): string | undefined {
  const x = e as { code?: unknown; cause?: { code?: unknown } };
  return typeof x?.code === 'string' ? x.code : typeof x?.cause?.code === 'string' ? x.cause.code : undefined;
}

function messageOf(e: unknown): string {
  const x = e as ApiErrorLike;
  const first = x?.errors?.find((r) => r.message)?.message;
  return String(first ?? x?.message ?? e).split('\n')[0];
}

/** The error as a BmrsError: `doing` says what bmrs was doing ("loading bmrs_fuelinst"). */
export function bqError(e: unknown, doing: string): BmrsError {
  if (isBmrsError(e)) return e;
  const msg = messageOf(e);
  const why = reasons(e);
  if (/DECODER routines|PEM routines|private key|invalid_rsa_key|key file/i.test(msg)) {
    return new UsageError(`BigQuery credentials are invalid while ${doing}: the service account key cannot be used`, {
      hint: 'set GOOGLE_APPLICATION_CREDENTIALS to an intact service account key file, or unset it and run `gcloud auth application-default login` (docs/bigquery.md, Setup)',
    });
  }
  if (/could not load the default credentials|unable to detect a project id|invalid_grant|invalid_client/i.test(msg)) {
    return new UsageError(`BigQuery credentials are missing or invalid while ${doing}`, {
      hint: 'run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a service account key file (docs/bigquery.md, Setup)',
    });
  }
  if (isTransient(e)) {
    const what = why.includes('quotaExceeded') || why.includes('rateLimitExceeded') ? 'quota or rate limit' : isConcurrentUpdate(e) ? 'concurrent update' : NETWORK_CODES.has(errnoOf(e) ?? '') ? 'unreachable' : 'service unavailable';
    return new TransientError(`BigQuery ${what} while ${doing}: ${msg}`, { hint: 'nothing was half-written; run again later (rows already stored are skipped)' });
  }
  const status = statusOf(e);
  if (status === 403 || status === 401 || why.includes('accessDenied') || why.includes('forbidden')) {
    return new UsageError(`BigQuery refused access while ${doing}: ${msg}`, {
      hint: 'grant the account BigQuery Data Editor on the dataset and BigQuery Job User on the project (docs/bigquery.md, Roles)',
    });
  }
  if (status === 404 || why.includes('notFound')) {
    return new UsageError(`BigQuery: not found while ${doing}: ${msg}`, {
      hint: 'check BMRS_BQ_PROJECT, BMRS_BQ_DATASET and BMRS_BQ_LOCATION; create the dataset first (bq mk --location=EU --dataset PROJECT:DATASET)',
    });
  }
  if (why.includes('invalidQuery') || why.includes('invalid')) {
    return new StoreFailure(`BigQuery rejected a statement while ${doing}: ${msg}`, { hint: 'this is a bug in bmrs: please report it with this message' });
  }
  return new StoreFailure(`BigQuery failed while ${doing}: ${msg}`);
}
