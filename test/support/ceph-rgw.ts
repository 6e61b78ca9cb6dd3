/**
 * A real S3-compatible engine for tests and benches: Ceph's RADOS Gateway on a one-node cluster,
 * started by scripts/engines/ceph-rgw.sh (the same script a person runs) in a temporary folder.
 * Without Ceph's packages the S3 tests are skipped with one line, unless CAIRN_REQUIRE_S3=1 (CI)
 * makes that a failure.
 */

import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { engineGate, shellCheckPasses } from './engine-gate.ts';

const exec = promisify(execFile);
const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/engines/ceph-rgw.sh');

export const CEPH_MISSING_MESSAGE =
  'S3 tests skipped: no Ceph RADOS Gateway — install it with `apt-get install --no-install-recommends ceph-mon ceph-osd radosgw ceph-common curl` to run them.';

const installed = () =>
  shellCheckPasses('command -v ceph-mon && command -v ceph-osd && command -v radosgw && command -v curl');

/**
 * True when S3 tests can run. Without Ceph they are skipped with one clear line, unless
 * CAIRN_REQUIRE_S3=1, where the missing engine is a failure.
 */
export const s3Available = engineGate('CAIRN_REQUIRE_S3', CEPH_MISSING_MESSAGE, installed);

export interface RadosGateway {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The bucket the script made. */
  bucket: string;
  /** The folder holding the cluster (ceph.conf, logs, pid files). */
  dir: string;
  /** A client of this gateway, set as the server sets its own (path-style, checksums when required). */
  client(): S3Client;
  /** Makes another bucket (a test that wants one of its own). */
  makeBucket(name: string): Promise<void>;
  /** The server's settings for `s3://BUCKET/PREFIX` on this gateway. */
  serverEnv(prefix: string, bucket?: string): Record<string, string>;
  /** Stops only radosgw (the cluster stays): requests to the endpoint are refused from now. */
  stopGateway(): Promise<void>;
  /** Stops every daemon, newest first, and removes the folder. */
  stop(): Promise<void>;
}

/** Clusters started by this process and not stopped yet (their folders). */
const running = new Set<string>();

/** Stops what is still running, synchronously: the process is ending (an exit, or a signal such as `timeout`'s). */
function stopLeftClusters(): void {
  for (const dir of running) {
    try {
      execFileSync(script, ['stop', dir], { timeout: 60_000, stdio: 'ignore' });
    } catch {
      // Ending anyway: a cluster that will not stop is left as it was before this hook.
    }
  }
  running.clear();
}

let exitHooked = false;
/**
 * A bench or test killed mid-run (a `timeout`, Ctrl-C) left its Ceph daemons running before:
 * `stop` runs only when the caller gets that far. These hooks stop them, then let the signal
 * end the process as it would have.
 */
function stopClustersOnExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', stopLeftClusters);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      stopLeftClusters();
      process.kill(process.pid, signal);
    });
  }
}

export async function startRadosGateway(): Promise<RadosGateway> {
  stopClustersOnExit();
  const { stdout } = await exec(script, ['start'], { timeout: 120_000 });
  const vars = Object.fromEntries(
    stdout
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  ) as Record<string, string>;
  const dir = vars.CEPH_RGW_DIR as string;
  running.add(dir);
  const endpoint = vars.CAIRN_S3_ENDPOINT as string;
  const region = vars.AWS_REGION as string;
  const credentials = {
    accessKeyId: vars.AWS_ACCESS_KEY_ID as string,
    secretAccessKey: vars.AWS_SECRET_ACCESS_KEY as string,
  };
  const bucket = (vars.CAIRN_BLOBS as string).replace(/^s3:\/\//, '').split('/')[0] as string;
  const clients: S3Client[] = [];
  const client = () => {
    const c = new S3Client({
      endpoint,
      region,
      credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    clients.push(c);
    return c;
  };
  return {
    endpoint,
    region,
    credentials,
    bucket,
    dir,
    client,
    async makeBucket(name) {
      await client().send(new CreateBucketCommand({ Bucket: name }));
    },
    serverEnv(prefix, b = bucket) {
      return {
        CAIRN_BLOBS: `s3://${b}/${prefix}`,
        CAIRN_S3_ENDPOINT: endpoint,
        AWS_REGION: region,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      };
    },
    async stopGateway() {
      await exec(script, ['stop-rgw', dir], { timeout: 60_000 });
    },
    async stop() {
      for (const c of clients) c.destroy();
      running.delete(dir);
      await exec(script, ['stop', dir], { timeout: 60_000 });
    },
  };
}
