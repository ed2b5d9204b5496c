// Opening the BigQuery store: a key file GOOGLE_APPLICATION_CREDENTIALS names that is missing,
// a directory, not JSON or with a broken private key, and a dataset that does not exist, are each
// one message and exit 2, before any job, and never echo the key file's path.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { openBigQueryStore } from '../../src/sinks/bigquery/store.js';
import { fakeConfig, NO_WAIT } from '../support/bigquery.js';
import { startFakeBigQuery, type FakeBigQuery } from '../support/fake-bigquery/server.js';
import { tempDir, type TempDir } from '../support/pipeline.js';

let fake: FakeBigQuery;
let tmp: TempDir;
beforeAll(async () => {
  fake = await startFakeBigQuery();
  tmp = await tempDir();
});
afterAll(async () => {
  await fake?.close();
  await tmp?.cleanup();
});
afterEach(() => vi.unstubAllEnvs());

async function openWithKey(path: string): Promise<unknown> {
  vi.stubEnv('GOOGLE_APPLICATION_CREDENTIALS', path);
  return openBigQueryStore({ ...fakeConfig(fake), hasCredentialsFile: true }, NO_WAIT).then(
    (s) => s.close().then(() => 'opened'),
    (e: unknown) => e,
  );
}

describe('opening the BigQuery store', { timeout: 30_000 }, () => {
  it.each([
    ['missing', async (p: string) => p, /names does not exist$/],
    ['a directory', async (p: string) => (await mkdir(p), p), /names is a directory$/],
    ['not JSON', async (p: string) => (await writeFile(p, 'not json'), p), /names is not JSON$/],
    ['a broken private key', async (p: string) => (await writeFile(p, JSON.stringify({ type: 'service_account', client_email: 'a@b.iam.gserviceaccount.com', private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' })), p), /holds a private_key that is not a valid PEM key/],
  ])('a key file that is %s: exit 2 naming the problem and the fix, not the path', async (name, make, message) => {
    const path = await make(join(tmp.dir, `key-${name.replace(/\W/g, '-')}.json`));
    const before = fake.requests.filter((r) => r.path.endsWith('/jobs')).length;
    const e = await openWithKey(path);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).exitCode).toBe(2);
    expect((e as Error).message).toMatch(/^BigQuery credentials: the key file GOOGLE_APPLICATION_CREDENTIALS /);
    expect((e as Error).message).toMatch(message);
    expect((e as UsageError).hint).toMatch(/gcloud auth application-default login/);
    expect(`${(e as Error).message} ${(e as UsageError).hint}`).not.toContain(tmp.dir);
    expect(fake.requests.filter((r) => r.path.endsWith('/jobs')).length).toBe(before);
  });

  it('a misspelled dataset: exit 2 naming the dataset and the project, before any table is read', async () => {
    const before = fake.requests.length;
    const e = await openBigQueryStore({ ...fakeConfig(fake), dataset: 'uk_energy_prd' }, NO_WAIT).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).exitCode).toBe(2);
    expect((e as Error).message).toBe('BigQuery dataset uk_energy_prd does not exist in project bmrs-test-project (or this account cannot see it)');
    expect((e as UsageError).hint).toMatch(/BMRS_BQ_DATASET/);
    expect(fake.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /bigquery/v2/projects/bmrs-test-project/datasets/uk_energy_prd']);
  });
});
