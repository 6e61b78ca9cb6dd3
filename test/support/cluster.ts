/**
 * Cairn scaled out on this machine, for tests and benches: a real PostgreSQL (tables), a real Ceph
 * RADOS Gateway (DVC objects), N server processes — each `sync-server/src/main.ts`, what `npm
 * start` runs — sharing one data folder for the git repositories, and HAProxy in front. The same
 * engines and scripts as the README's "Several processes" section.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { type RadosGateway, s3Available, startRadosGateway } from './ceph-rgw.ts';
import { type LoadBalancer, lbAvailable, startHaproxy } from './haproxy.ts';
import { type PostgresCluster, pgAvailable, startPostgres } from './postgres.ts';
import { type SpawnedServer, spawnServer } from './spawn-server.ts';

/** True when every engine a cluster needs is here (each gate prints its own skip line). */
export function clusterAvailable(): boolean {
  // All three are asked, so each missing engine is named (or fails under its CAIRN_REQUIRE_*).
  const pg = pgAvailable();
  const s3 = s3Available();
  const lb = lbAvailable();
  return pg && s3 && lb;
}

export interface Cluster {
  /** The load balancer: where clients go. */
  url: string;
  lb: LoadBalancer;
  pg: PostgresCluster;
  rgw: RadosGateway;
  /** The database every process uses. */
  databaseUrl: string;
  /** The data folder every process shares (git repositories). */
  dataDir: string;
  /** The S3 key prefix of the DVC objects (`PREFIX/md5/…`). */
  blobPrefix: string;
  /** The processes, in HAProxy's order: `backends[i]` is `s${i + 1}`. */
  backends: (SpawnedServer & { port: number })[];
  /** kill -9 of process `i` (its port stays reserved for `restart`). */
  kill(i: number): Promise<void>;
  /** Starts process `i` again on its port and waits until HAProxy sends it requests again. */
  restart(i: number): Promise<void>;
  /** Stops every process, HAProxy, radosgw and PostgreSQL, and removes the data folder. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** Processes behind HAProxy (default 3). */
  processes?: number;
  /** The servers' settings besides the engines' (admin password and token, limits…). */
  env?: Record<string, string>;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const n = options.processes ?? 3;
  const blobPrefix = 'cluster';
  const [pg, rgw] = await Promise.all([startPostgres(), startRadosGateway()]);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-cluster-'));
  const backends: Cluster['backends'] = [];
  let lb: LoadBalancer | null = null;
  const stop = async () => {
    await Promise.all(backends.map((b) => b.kill()));
    await lb?.stop();
    await Promise.all([pg.stop(), rgw.stop()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const databaseUrl = await pg.freshDatabase();
    const env = {
      CAIRN_DEMO: '0',
      // HAProxy connects from loopback: clients are counted by the address it forwards.
      CAIRN_TRUSTED_PROXIES: '127.0.0.1',
      ...options.env,
      CAIRN_DATABASE_URL: databaseUrl,
      ...rgw.serverEnv(blobPrefix),
    };
    const start = async (port: number) => {
      const server = await spawnServer(dataDir, { ...env, PORT: String(port) });
      return { ...server, port: Number(new URL(server.url).port) };
    };
    // All at once, as an operator's service manager would: migrations take turns under their lock.
    backends.push(...(await Promise.all(Array.from({ length: n }, () => start(0)))));
    lb = await startHaproxy(backends.map((b) => b.port));
    await lb.waitAllUp();
    const balancer = lb;
    return {
      url: balancer.url,
      lb: balancer,
      pg,
      rgw,
      databaseUrl,
      dataDir,
      blobPrefix,
      backends,
      async kill(i) {
        await backends[i]?.kill();
      },
      async restart(i) {
        const old = backends[i];
        if (!old) throw new Error(`no process ${i}`);
        backends[i] = await start(old.port);
        await balancer.waitAllUp();
      },
      stop,
    };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

/**
 * Every DVC object in the cluster's bucket, read back and hashed: names whose bytes do not hash
 * to them (empty when all is well), and how many objects were checked. Objects whose upload has
 * not completed are multipart uploads, never listed here.
 */
export async function objectsNotMatchingTheirNames(
  cluster: Cluster,
): Promise<{ checked: number; mismatched: string[] }> {
  const s3 = cluster.rgw.client();
  const mismatched: string[] = [];
  let checked = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: cluster.rgw.bucket,
        Prefix: `${cluster.blobPrefix}/md5/`,
        ContinuationToken: token,
      }),
    );
    for (const o of page.Contents ?? []) {
      const key = o.Key as string;
      // Garbage collection's zero-byte "last used" markers (s3-blob-store.ts) are not objects.
      if (key.includes('/.touched/')) continue;
      const m = /\/md5\/([0-9a-f]{2})\/([0-9a-f]{30})$/.exec(key);
      const body = await s3.send(new GetObjectCommand({ Bucket: cluster.rgw.bucket, Key: key }));
      const hash = createHash('md5');
      for await (const chunk of body.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
      checked++;
      if (!m || hash.digest('hex') !== `${m[1]}${m[2]}`) mismatched.push(key);
    }
    token = page.NextContinuationToken;
  } while (token);
  return { checked, mismatched };
}
