/**
 * A real load balancer for tests and benches: Debian's HAProxy in front of Cairn processes on
 * 127.0.0.1, started by scripts/engines/haproxy.sh (the same script a person runs) in a temporary
 * folder. Without it the several-processes tests are skipped with one line, unless
 * CAIRN_REQUIRE_LB=1 (CI) makes that a failure.
 */

import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { engineGate, shellCheckPasses } from './engine-gate.ts';

const exec = promisify(execFile);
const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/engines/haproxy.sh');

export const LB_MISSING_MESSAGE =
  'Load-balancer tests skipped: no HAProxy — install it with `apt-get install haproxy` to run them.';

const installed = () => shellCheckPasses('command -v haproxy || test -x /usr/sbin/haproxy');

/**
 * True when load-balancer tests can run. Without HAProxy they are skipped with one clear line,
 * unless CAIRN_REQUIRE_LB=1, where the missing engine is a failure.
 */
export const lbAvailable = engineGate('CAIRN_REQUIRE_LB', LB_MISSING_MESSAGE, installed);

/** One backend's line of HAProxy's statistics. */
export interface BackendStats {
  /** `s1`, `s2`, … in the order the ports were given. */
  name: string;
  /** `UP`, `DOWN`, `UP 1/2` (coming up), `no check`… */
  status: string;
  /** HTTP requests it was sent since HAProxy started. */
  requests: number;
  /** Connections open to it now (a request in flight). */
  current: number;
}

export interface LoadBalancer {
  /** Where clients go: `http://127.0.0.1:PORT`. */
  url: string;
  statsUrl: string;
  dir: string;
  /** Every backend's line of the statistics, in port order. */
  stats(): Promise<BackendStats[]>;
  /** Resolves once every backend passes its health checks (or throws after `timeoutMs`). */
  waitAllUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startHaproxy(ports: number[]): Promise<LoadBalancer> {
  const { stdout } = await exec(script, ['start', ...ports.map(String)], { timeout: 60_000 });
  const vars = Object.fromEntries(
    stdout
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  ) as Record<string, string>;
  const dir = vars.HAPROXY_DIR as string;
  const statsUrl = vars.CAIRN_LB_STATS_URL as string;
  const stats = async (): Promise<BackendStats[]> => {
    const csv = await (await fetch(`${statsUrl};csv`)).text();
    const [header = '', ...lines] = csv.split('\n');
    const columns = header.replace(/^# /, '').split(',');
    const col = (name: string) => columns.indexOf(name);
    return lines
      .map((line) => line.split(','))
      .filter((f) => f[col('pxname')] === 'cairn' && /^s\d+$/.test(f[col('svname')] ?? ''))
      .map((f) => ({
        name: f[col('svname')] as string,
        status: f[col('status')] as string,
        requests: Number(f[col('req_tot')]),
        current: Number(f[col('scur')]),
      }));
  };
  return {
    url: vars.CAIRN_LB_URL as string,
    statsUrl,
    dir,
    stats,
    async waitAllUp(timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const all = await stats();
        if (all.every((s) => s.status === 'UP')) return;
        if (Date.now() > until) throw new Error(`backends not all up: ${JSON.stringify(all)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async stop() {
      await exec(script, ['stop', dir], { timeout: 60_000 });
    },
  };
}

/** How many requests each backend served between two readings of the statistics. */
export function requestsBetween(before: BackendStats[], after: BackendStats[]): Record<string, number> {
  return Object.fromEntries(
    after.map((a) => [a.name, a.requests - (before.find((b) => b.name === a.name)?.requests ?? 0)]),
  );
}
