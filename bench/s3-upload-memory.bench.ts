/**
 * Many DVC uploads at once to one process storing in S3 (issue 15): its peak memory and the time
 * for all of them, by upload memory budget (CAIRN_S3_UPLOAD_MEMORY_MB, upload-memory.ts), against
 * a budget so large it never binds (what every process had before the budget) in the same run.
 * BENCH_UPLOADS (32) uploads of BENCH_UPLOAD_MB (80 MiB) each go to the server's DVC remote at
 * once, against a real Ceph RADOS Gateway; the server is a child process whose resident memory is
 * read from /proc every 20 ms. The budgets take turns each round. Uploads that fail are counted
 * and named (status or connection error) beside each budget's peak. Skipped with one line without Ceph.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CEPH_MISSING_MESSAGE, s3Available, startRadosGateway } from '../test/support/ceph-rgw.ts';
import { createRepo } from '../test/support/create-repo.ts';
import { basicAuth, md5Of, putObject, v3Path } from '../test/support/dvc-upload.ts';
import { spawnServer } from '../test/support/spawn-server.ts';
import { median, report, warmFreeMemory } from './lib.ts';

const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 32);
const MB = Number(process.env.BENCH_UPLOAD_MB ?? 80);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const TOKEN = 'cairn_bench_admin_token_mem_00001';
const AUTH = basicAuth('admin', TOKEN);
/** MiB budgets; the first never binds (the baseline). */
const BUDGETS = [1024 * 1024, 1024, 256];
const label = (mb: number) => (mb === BUDGETS[0] ? 'no budget (1 TiB)' : `budget ${mb} MiB`);

/** Resident memory of process `pid`, in MiB (0 once it is gone). */
function rssMiB(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Why an upload failed ('503', 'ECONNRESET'…), or null when it was stored. */
function failure(answer: PromiseSettledResult<number>): string | null {
  if (answer.status === 'fulfilled') return answer.value === 200 ? null : String(answer.value);
  const reason = answer.reason as { cause?: { code?: string }; message?: string };
  return reason.cause?.code ?? reason.message ?? 'failed';
}

async function main() {
  if (!s3Available()) {
    console.log(CEPH_MISSING_MESSAGE.replace('S3 tests', 's3-upload-memory bench'));
    return;
  }
  const rgw = await startRadosGateway();
  const bodies = Array.from({ length: UPLOADS }, () => randomBytes(MB * 1024 * 1024));
  const times = new Map<number, number[]>(BUDGETS.map((b) => [b, []]));
  const peaks = new Map<number, number[]>(BUDGETS.map((b) => [b, []]));
  const failed = new Map<number, string[]>(BUDGETS.map((b) => [b, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const budget of BUDGETS) {
        const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-mem-'));
        const server = await spawnServer(dataDir, {
          CAIRN_ADMIN_PASSWORD: 'bench-password',
          CAIRN_ADMIN_TOKEN: TOKEN,
          CAIRN_S3_UPLOAD_MEMORY_MB: String(budget),
          // A prefix per run: every upload is new to the bucket.
          ...rgw.serverEnv(`bench-mem-${round}-${budget}`),
        });
        try {
          const made = await createRepo(server.url, TOKEN, { name: 'bench', private: true });
          if (made.status !== 201) throw new Error(`creating the repository answered ${made.status}`);
          warmFreeMemory();
          const pid = server.child.pid as number;
          let peak = rssMiB(pid);
          const sampler = setInterval(() => {
            peak = Math.max(peak, rssMiB(pid));
          }, 20);
          const t0 = performance.now();
          // An upload that fails is counted, not fatal: without a budget some did (the connection
          // reset while radosgw was swamped by every upload's parts at once).
          const answers = await Promise.allSettled(
            bodies.map((b) => putObject(server.url, AUTH, 'admin/bench', v3Path(md5Of(b)), b)),
          ).finally(() => clearInterval(sampler));
          const ms = performance.now() - t0;
          const failedNow = answers.map(failure).filter((f): f is string => f !== null);
          times.get(budget)?.push(ms);
          peaks.get(budget)?.push(peak);
          failed.get(budget)?.push(...failedNow);
          console.log(
            `  round ${round + 1}, ${label(budget)}: ${(ms / 1000).toFixed(1)} s, peak ${peak.toFixed(0)} MiB, ${failedNow.length} failed`,
          );
        } finally {
          await server.kill();
          fs.rmSync(dataDir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    await rgw.stop();
  }
  const row = (budget: number) => ({
    name: label(budget),
    medianMs: median(times.get(budget) ?? []),
    runs: times.get(budget) ?? [],
  });
  const [baseline, ...others] = BUDGETS.map(row);
  const failures = (b: number) => {
    const all = failed.get(b) ?? [];
    const kinds = [...new Set(all)].map((k) => `${all.filter((x) => x === k).length} × ${k}`);
    return `${all.length} of ${UPLOADS * ROUNDS} uploads failed${kinds.length ? ` (${kinds.join(', ')})` : ''}`;
  };
  const extra = Object.fromEntries(
    BUDGETS.map((b) => [
      `${label(b)}: server peak memory`,
      `median ${median(peaks.get(b) ?? []).toFixed(0)} MiB [${(peaks.get(b) ?? []).map((p) => p.toFixed(0)).join(', ')}]; ${failures(b)}`,
    ]),
  );
  report(
    `${UPLOADS} DVC uploads of ${MB} MiB at once to one process → S3 (time for all; peak memory below)`,
    baseline as (typeof others)[number],
    others,
    extra,
  );
}

await main();
