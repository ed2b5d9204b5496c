// Loaded with `node --import`: appends every module URL the process resolves to the file named by
// BMRS_IMPORT_LOG, so a test can tell which libraries a command really loaded.
import { register } from 'node:module';
import { appendFileSync } from 'node:fs';

const log = process.env.BMRS_IMPORT_LOG;
const hooks = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}`;
if (log) {
  appendFileSync(log, '');
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}
