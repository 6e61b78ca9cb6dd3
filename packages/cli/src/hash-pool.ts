/**
 * Hashing many small files on every core: batches of files go to worker threads (one per
 * core, at most 4), each reading with `readFileSync` and hashing with OpenSSL. Only for DVC 3's
 * plain `md5`; the legacy algorithm and large files are hashed in-process (`file-hashing.ts`).
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FileHash } from '@cairn/core';
import type { HashJob, HashJobResult } from './hash-worker.ts';

const BATCH = 128;

/** Below this many files a pool costs more to start than it saves. */
export const POOL_THRESHOLD = 256;

/**
 * Starts a worker on `hash-worker.ts`. In the bundle (dist/, scripts/build.mjs) the worker is
 * bundled beside it as plain JavaScript. From the sources, workers do not inherit the loader
 * that runs this TypeScript, so the worker is bootstrapped through tsx's CommonJS API, resolved
 * from here (the user's working directory may have no tsx).
 */
function startWorker(): Worker {
  if (import.meta.url.endsWith('.mjs')) return new Worker(new URL('./hash-worker.mjs', import.meta.url));
  const require = createRequire(import.meta.url);
  const api = require.resolve('tsx/cjs/api');
  const entry = fileURLToPath(new URL('./hash-worker.ts', import.meta.url));
  return new Worker(`require(${JSON.stringify(api)}).require(${JSON.stringify(entry)}, __filename)`, { eval: true });
}

/** Workers started ahead of need (while the caller still lists files). */
export class HashPool {
  readonly workers: Worker[];
  constructor(size = Math.max(1, Math.min(4, os.availableParallelism()))) {
    this.workers = Array.from({ length: size }, startWorker);
  }
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * MD5s of `files` (absolute paths, in order), stored in `cacheRoot` (DVC 3 layout) when given.
 * `onDone(files, bytes)` reports progress per batch.
 */
export async function hashManySmallFiles(
  files: string[],
  opts: { cacheRoot?: string; onDone?: (files: number, bytes: number) => void; pool?: HashPool } = {},
): Promise<FileHash[]> {
  const out: FileHash[] = new Array(files.length);
  const jobs: HashJob[] = [];
  for (let i = 0; i < files.length; i += BATCH) {
    const job: HashJob = { id: i, files: files.slice(i, i + BATCH) };
    if (opts.cacheRoot) job.cacheRoot = opts.cacheRoot;
    jobs.push(job);
  }
  const pool = opts.pool ?? new HashPool(Math.max(1, Math.min(4, os.availableParallelism(), jobs.length)));
  const workers = pool.workers;
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const next = () => {
              const job = jobs.shift();
              if (!job) return resolve();
              w.postMessage(job);
            };
            w.on('message', (msg: HashJobResult) => {
              if ('error' in msg) return reject(new Error(msg.error));
              let bytes = 0;
              msg.results.forEach(([md5, size], k) => {
                out[msg.id + k] = { md5, size };
                bytes += size;
              });
              opts.onDone?.(msg.results.length, bytes);
              next();
            });
            w.on('error', reject);
            next();
          }),
      ),
    );
  } finally {
    for (const w of workers) w.removeAllListeners('message').removeAllListeners('error');
    if (!opts.pool) await pool.close();
  }
  return out;
}
