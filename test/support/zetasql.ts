// A real GoogleSQL analyzer for the tests: ZetaSQL's local service, shipped as a binary inside the
// `@fivetrandevelopers/zetasql` npm package, started on a free port and spoken to over gRPC. Each
// statement is parsed and resolved against a catalog of the tables it may see (names, columns,
// types), so an unknown column, a wrong argument type or a malformed MERGE fails here.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import type { FakeField } from './fake-bigquery/engine.js';

const require = createRequire(import.meta.url);
const zetasql = require('@fivetrandevelopers/zetasql') as typeof import('@fivetrandevelopers/zetasql');

const KIND: Record<string, string> = {
  STRING: 'TYPE_STRING', INTEGER: 'TYPE_INT64', INT64: 'TYPE_INT64', FLOAT: 'TYPE_DOUBLE', FLOAT64: 'TYPE_DOUBLE', BOOLEAN: 'TYPE_BOOL', BOOL: 'TYPE_BOOL',
  DATE: 'TYPE_DATE', DATETIME: 'TYPE_DATETIME', TIMESTAMP: 'TYPE_TIMESTAMP', NUMERIC: 'TYPE_NUMERIC', JSON: 'TYPE_JSON',
};

function typeOf(f: FakeField): object {
  const scalar = { typeKind: KIND[f.type] ?? 'TYPE_STRING' };
  return f.mode === 'REPEATED' ? { typeKind: 'TYPE_ARRAY', arrayType: { elementType: scalar } } : scalar;
}

export interface Analyzer {
  /** null when the statement resolves against the tables; else ZetaSQL's message. */
  analyze(sql: string, tables: Record<string, FakeField[]>, prefix: string): Promise<string | null>;
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startAnalyzer(): Promise<Analyzer> {
  const lib = dirname(require.resolve('@fivetrandevelopers/zetasql'));
  const binary = join(lib, 'zetasql', process.arch.startsWith('arm') ? 'remote_server_arm.so' : 'remote_server.so');
  const port = await freePort();
  const child: ChildProcess = spawn(binary, ['localhost', String(port)], { stdio: 'ignore' });
  zetasql.ZetaSQLClient.init(port);
  const client = zetasql.ZetaSQLClient.getInstance();
  if (!(await client.testConnection())) {
    child.kill('SIGKILL');
    throw new Error(`the ZetaSQL local service (${binary}) did not answer on port ${port}`);
  }
  const language = await new zetasql.LanguageOptions().enableMaximumLanguageFeatures();
  return {
    async analyze(sql, tables, prefix) {
      const simpleCatalog = {
        name: 'bmrs',
        table: Object.entries(tables).map(([name, fields]) => ({ name: `${prefix}.${name}`, column: fields.map((f) => ({ name: f.name, type: typeOf(f) })) })),
        builtinFunctionOptions: { languageOptions: language.serialize() },
      };
      try {
        await client.analyze({ simpleCatalog: simpleCatalog as never, sqlStatement: sql, options: { languageOptions: language.serialize(), errorMessageMode: 'ERROR_MESSAGE_ONE_LINE' } });
        return null;
      } catch (e) {
        return String((e as { details?: string }).details ?? (e as Error).message);
      }
    },
    stop: () => void child.kill('SIGKILL'),
  };
}
