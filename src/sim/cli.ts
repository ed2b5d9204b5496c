// `elexon-sim`: runs the simulator until SIGTERM/SIGINT. The first stdout line is always
// `listening on <url>` so a parent process can wait for it.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseFaultFlag, readNow, startSimulator } from './index.js';
import type { Fault, RequestLogEntry, SimulatorOptions } from './types.js';

const USAGE = 'usage: elexon-sim [--port N] [--host H] [--seed N] [--now ISO] [--data DIR] [--fault SPEC]... [--verbose]';

class UsageError extends Error {}

function readOptions(argv: string[]): { options: SimulatorOptions; verbose: boolean } | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        now: { type: 'string' },
        data: { type: 'string' },
        fault: { type: 'string', multiple: true },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const int = (name: string, s: string | undefined, max: number): number | undefined => {
    if (s === undefined) return undefined;
    if (!/^\d+$/.test(s) || Number(s) > max) throw new UsageError(`--${name} must be an integer from 0 to ${max}, got '${s}'`);
    return Number(s);
  };
  const faults: Fault[] = [];
  for (const spec of v.fault ?? []) {
    try {
      faults.push(parseFaultFlag(spec));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  let now: number | undefined;
  if (v.now !== undefined) {
    try {
      now = readNow(v.now);
    } catch {
      throw new UsageError(`--now must be an ISO instant such as 2025-10-27T00:00:00Z, got '${v.now}'`);
    }
  }
  if (v.data !== undefined && !existsSync(v.data)) throw new UsageError(`--data: no such directory '${v.data}'`);
  const options: SimulatorOptions = {
    port: int('port', v.port, 65535) ?? 0,
    host: v.host,
    seed: int('seed', v.seed, 2 ** 31 - 1),
    now,
    dataDir: v.data,
    faults,
  };
  return { options, verbose: v.verbose ?? false };
}

async function main(): Promise<void> {
  let read;
  try {
    read = readOptions(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`elexon-sim: ${e.message} (elexon-sim --help for usage)\n`);
    process.exit(2);
  }
  if (read === 'help') {
    process.stdout.write(`${USAGE}\nSee docs/simulator.md.\n`);
    return;
  }
  const onRequest = (e: RequestLogEntry): void => {
    const pairs = Object.entries(e.query).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]));
    const query = new URLSearchParams(pairs);
    process.stderr.write(`${e.status} ${e.method} ${e.path}${query.size > 0 ? `?${query.toString()}` : ''}\n`);
  };
  const sim = await startSimulator({ ...read.options, onRequest: read.verbose ? onRequest : undefined });
  process.stdout.write(`listening on ${sim.url}\n`);
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    sim.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`elexon-sim: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`elexon-sim: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
