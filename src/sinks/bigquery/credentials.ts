// The key file GOOGLE_APPLICATION_CREDENTIALS names, checked when the store opens: missing,
// unreadable, not JSON or holding a private key that does not parse is a user mistake (exit 2),
// said without echoing the path (it may name a user's home, and is theirs to know).
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../../core/errors.js';

const FIX = 'set GOOGLE_APPLICATION_CREDENTIALS to a readable service account key file (JSON, from the console or `gcloud iam service-accounts keys create`), or unset it and run `gcloud auth application-default login` (docs/bigquery.md, Setup)';

const refuse = (problem: string) => new UsageError(`BigQuery credentials: the key file GOOGLE_APPLICATION_CREDENTIALS names ${problem}`, { hint: FIX });

/** Throws UsageError when the file cannot serve as credentials; a file of another credential type is left to the client. */
export async function checkKeyFile(path: string | undefined): Promise<void> {
  if (path === undefined || path === '') return;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw refuse(code === 'ENOENT' ? 'does not exist' : code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied)' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'error'})`);
  }
  let key: { type?: unknown; private_key?: unknown };
  try {
    key = JSON.parse(text) as typeof key;
  } catch {
    throw refuse('is not JSON');
  }
  if (key === null || typeof key !== 'object') throw refuse('is not a credentials JSON object');
  if (key.type !== 'service_account') return;
  if (typeof key.private_key !== 'string') throw refuse('is a service account key without a private_key');
  try {
    createPrivateKey(key.private_key);
  } catch {
    throw refuse('holds a private_key that is not a valid PEM key (the file is damaged or was edited)');
  }
}
