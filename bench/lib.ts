/**
 * Helpers for benchmarks. Machines here are shared and noisy, so every figure is a median of
 * several runs and is printed next to a baseline measured in the same run; compare ratios,
 * not absolute times. Benchmarks print; they never assert on time.
 */

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
    console.log(`  ${r.name.padEnd(width)}  median ${r.medianMs.toFixed(2).padStart(10)} ms  ${tag}`);
  }
  for (const [k, v] of Object.entries(extra)) console.log(`  ${k}: ${v}`);
}

/** Bytes per second as MB/s (10^6). */
export function mbPerSecond(bytes: number, ms: number): string {
  return `${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s`;
}
