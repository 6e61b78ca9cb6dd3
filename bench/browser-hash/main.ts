/**
 * The page of bench/browser-hash.bench.ts: hashes the picked files with the app's own
 * hash-and-store workers (without storing), so the figure is the app's hashing path.
 */
import { hashFiles } from '../../app/src/workers/hash-pool.ts';

declare global {
  interface Window {
    hashPicked(inputId: string, workers: number): Promise<{ ms: number; bytes: number; first: string }>;
  }
}

window.hashPicked = async (inputId, workers) => {
  const input = document.getElementById(inputId) as HTMLInputElement;
  const files = Array.from(input.files ?? []);
  const t0 = performance.now();
  const results = await hashFiles(files, { store: false, workers });
  const ms = performance.now() - t0;
  return { ms, bytes: results.reduce((n, r) => n + r.size, 0), first: results[0]?.md5 ?? '' };
};
