// The simulator in a child process for the benchmarks, so that serving never competes with the
// process being measured for its event loop. Resolves with its URL once it listens.
import { spawn } from 'node:child_process';

export async function startSimChild(now) {
  const sim = spawn(process.execPath, [new URL('../bin/elexon-sim.js', import.meta.url).pathname, '--port', '0', '--now', now], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    sim.stdout.once('data', (d) => {
      const m = /listening on (\S+)/.exec(String(d));
      m ? resolve(m[1]) : reject(new Error(`unexpected simulator output: ${d}`));
    });
    sim.once('exit', (c) => reject(new Error(`simulator exited ${c}`)));
  });
  // A benchmark that dies (or whose output pipe closes) must not leave the simulator running.
  const kill = () => sim.kill('SIGTERM');
  process.once('exit', kill);
  return { url, pid: sim.pid, stop: kill };
}
