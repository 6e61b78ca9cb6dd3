/**
 * Helpers for benchmarks. Machines here are shared and noisy, so every figure is a median of
 * several runs and is printed next to a baseline measured in the same run; compare ratios,
 * not absolute times. Benchmarks print; they never assert on time.
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';

export interface Measurement {
  name: string;
  medianMs: number;
  runs: number[];
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times, and returns the median wall time. */
export async function measure(
  name: string,
  fn: () => unknown,
  opts: { runs?: number; warmup?: number } = {},
): Promise<Measurement> {
  const runs = opts.runs ?? 7;
  for (let i = 0; i < (opts.warmup ?? 1); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return { name, medianMs: median(times), runs: times };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The value below which `p` % of `values` lie (nearest rank). */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
}

/** Prints one line per measurement: median, and its speed relative to the baseline (>1 = faster). */
export function report(
  title: string,
  baseline: Measurement,
  others: Measurement[],
  extra: Record<string, string> = {},
): void {
  const rows = [baseline, ...others];
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`\n## ${title}`);
  for (const r of rows) {
    const ratio = baseline.medianMs / r.medianMs;
    const tag = r === baseline ? '(baseline)' : `${ratio.toFixed(2)}× baseline speed`;
    // The spread shows how far one run strayed on a shared machine (a median alone hides it).
    const spread =
      r.runs.length > 1 ? `  [${Math.min(...r.runs).toFixed(0)}–${Math.max(...r.runs).toFixed(0)} ms]` : '';
    console.log(`  ${r.name.padEnd(width)}  median ${r.medianMs.toFixed(2).padStart(10)} ms  ${tag}${spread}`);
  }
  for (const [k, v] of Object.entries(extra)) console.log(`  ${k}: ${v}`);
}

/**
 * Touches and frees `mib` of memory in a child process, so that the case timed next finds the
 * kernel's free pages backed by the host. On this project's VMs (free page reporting to the
 * host), memory freed more than ~2 s earlier must be faulted in from the host again, which made
 * page-cache writes 5× slower: touching 1.5 GiB took 0.75 s just after a free and 3.15 s six
 * seconds after one; `dd` of 512 MiB with fsync 0.40 s and 2.2 s (2026-12-04). A case that
 * followed one freeing a lot of memory (storing 512 MiB in IndexedDB, removing a copied file)
 * measured that, not its own cost. Elsewhere this costs well under a second and changes nothing.
 */
export function warmFreeMemory(mib = 1536): void {
  execFileSync(process.execPath, ['-e', `Buffer.alloc(${mib} * 1024 * 1024, 1)`]);
}

/**
 * One case of an interleaved measurement. `run` may answer a number, its own time in ms (one measured in a
 * page, without the round trip); otherwise its wall time here is taken. `between` (untimed) runs
 * after each timed run, e.g. to free what it stored. `warmup`: one untimed run first.
 */
export interface TimedCase {
  name: string;
  run(round: number): Promise<unknown>;
  between?(round: number): Promise<void>;
  warmup?: boolean;
}

/**
 * Medians of `rounds` timed runs of each case, the cases taking turns within each round, so that
 * a change on this shared machine (another job, a store collecting garbage seconds later) falls on
 * all of them alike; run one case after the other, a baseline strayed 2× across runs of a bench.
 * Free memory is warmed before each run (warmFreeMemory says why). A run that gives no answer in
 * `stallMs` stops the bench, naming its case (a stalled run used to print nothing until killed).
 */
export async function interleavedMedians(
  cases: readonly TimedCase[],
  opts: { rounds: number; stallMs?: number },
): Promise<Measurement[]> {
  const timed = async (c: TimedCase, round: number): Promise<number> => {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      const ms = opts.stallMs ?? 600_000;
      timer = setTimeout(() => reject(new Error(`"${c.name}" gave no answer in ${ms / 1000} s: stopped`)), ms);
    });
    try {
      warmFreeMemory(); // untimed
      const t0 = performance.now();
      const own = await Promise.race([c.run(round), stalled]);
      const ms = typeof own === 'number' ? own : performance.now() - t0;
      await c.between?.(round);
      return ms;
    } finally {
      clearTimeout(timer);
    }
  };
  for (const c of cases) if (c.warmup) await timed(c, -1);
  const times = cases.map(() => [] as number[]);
  for (let round = 0; round < opts.rounds; round++) {
    for (const [i, c] of cases.entries()) times[i]?.push(await timed(c, round));
  }
  return cases.map((c, i) => ({ name: c.name, medianMs: median(times[i] ?? []), runs: times[i] ?? [] }));
}

/** Bytes per second as MB/s (10^6). */
export function mbPerSecond(bytes: number, ms: number): string {
  return `${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s`;
}

/**
 * Uploads `header` then `body` to `url` as DVC 3 does (one PUT, `chunk`-sized writes, waiting on
 * drain), on a fresh connection; resolves with the status code.
 */
export function putChunked(
  url: string,
  auth: string,
  header: Buffer,
  body: Buffer,
  chunk = 5 * 1024 * 1024,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', headers: { Authorization: auth }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.write(header);
    let off = 0;
    const pump = () => {
      while (off < body.length) {
        const ok = req.write(body.subarray(off, off + chunk));
        off += chunk;
        if (!ok) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

/** Downloads `url` on a fresh connection, counting bytes without keeping them. */
export function getCounting(url: string, auth: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { Authorization: auth }, agent: false }, (res) => {
        let n = 0;
        res.on('data', (d: Buffer) => {
          n += d.length;
        });
        res.on('end', () => resolve(n));
      })
      .on('error', reject);
  });
}
