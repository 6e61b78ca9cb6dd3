/**
 * Worker thread for `hash-pool.ts`: reads small files whole, MD5s them with OpenSSL and, when
 * asked, stores each in the cache at its DVC 3 path (atomically, read-only). Kept free of
 * @cairn/core so a worker starts in milliseconds.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';

export interface HashJob {
  id: number;
  files: string[];
  /** When set, each file is also stored in this cache (DVC 3 layout). */
  cacheRoot?: string;
}
export type HashJobResult = { id: number; results: [md5: string, size: number][] } | { id: number; error: string };

const madeDirs = new Set<string>();
const tag = `${process.pid}.${randomBytes(3).toString('hex')}`;
let seq = 0;

function store(cacheRoot: string, md5: string, bytes: Buffer): void {
  const dir = path.join(cacheRoot, 'files', 'md5', md5.slice(0, 2));
  const target = path.join(dir, md5.slice(2));
  if (!madeDirs.has(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    madeDirs.add(dir);
  }
  if (fs.existsSync(target)) return;
  const tmp = path.join(dir, `.${md5.slice(2)}.${tag}.${seq++}.tmp`);
  fs.writeFileSync(tmp, bytes, { mode: 0o444 });
  fs.renameSync(tmp, target);
}

parentPort?.on('message', (job: HashJob) => {
  try {
    const results: [string, number][] = [];
    for (const file of job.files) {
      const bytes = fs.readFileSync(file);
      const md5 = createHash('md5').update(bytes).digest('hex');
      if (job.cacheRoot) store(job.cacheRoot, md5, bytes);
      results.push([md5, bytes.length]);
    }
    parentPort?.postMessage({ id: job.id, results } satisfies HashJobResult);
  } catch (e) {
    parentPort?.postMessage({ id: job.id, error: (e as Error).message } satisfies HashJobResult);
  }
});
