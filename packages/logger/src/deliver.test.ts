import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverQueue } from './deliver.ts';
import { makeLogger } from './experiment-logger.ts';
import { CLIENT_RUN_ID_TAG } from './queue-ops.ts';
import { type FakeMlflow, freePort, startFakeMlflow } from './test-mlflow-server.ts';

const run = promisify(execFile);
let dir: string;
let server: FakeMlflow | null = null;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-logger-q-'));
});
afterEach(async () => {
  await server?.close();
  server = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A training script, run as its own process, that logs three runs to `port`. */
function writeScript(port: number): string {
  const script = path.join(dir, 'train.mts');
  fs.writeFileSync(
    script,
    `import { makeLogger } from ${JSON.stringify(path.resolve(__dirname, 'index.ts'))};
for (let r = 0; r < 3; r++) {
  const log = makeLogger({
    files: false,
    runName: 'run-' + r,
    mlflow: { trackingUri: 'http://127.0.0.1:${port}/demo/proj.mlflow', experimentName: 'seg', queueDir: ${JSON.stringify(path.join(dir, 'queue'))} },
  });
  log.logParams({ lr: 0.1 * (r + 1), arch: 'unet' });
  for (let step = 0; step < 5; step++) log.logMetrics({ loss: 1 / (step + 1 + r), acc: step / 10 }, step);
  const result = await log.end();
  console.log(JSON.stringify(result));
}
`,
  );
  return script;
}

describe('logging while the MLflow server is down', () => {
  it('a script logs 3 runs with no server; once it starts they arrive exactly once each', async () => {
    const port = await freePort();
    const script = writeScript(port);
    const tsx = path.resolve(__dirname, '../../../node_modules/.bin/tsx');
    const { stdout } = await run(tsx, [script], { cwd: dir });
    const results = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(results.every((r) => r.stoppedBy && r.pending > 0)).toBe(true);

    server = await startFakeMlflow(port);
    const first = await deliverQueue(path.join(dir, 'queue'));
    expect(first).toMatchObject({ pending: 0, failed: 0, stoppedBy: null });
    // Delivering again finds nothing left to send.
    expect(await deliverQueue(path.join(dir, 'queue'))).toMatchObject({ delivered: 0, pending: 0 });

    expect(server.runs.map((r) => r.name).sort()).toEqual(['run-0', 'run-1', 'run-2']);
    for (const r of server.runs) {
      const i = Number(r.name?.slice(4));
      expect(r.experimentId).toBe(server.experiments.get('seg'));
      expect(r.status).toBe('FINISHED');
      expect(r.params).toEqual({ lr: String(0.1 * (i + 1)), arch: 'unet' });
      expect(r.metrics.filter((m) => m.key === 'loss').map((m) => [m.step, m.value])).toEqual(
        [0, 1, 2, 3, 4].map((s) => [s, 1 / (s + 1 + i)]),
      );
      expect(r.metrics).toHaveLength(10);
    }
  }, 60_000); // a tsx child process: slow on a busy machine

  it('a run logged while the server is away is delivered in the background when it comes back', async () => {
    const port = await freePort();
    const log = makeLogger({
      files: false,
      mlflow: { trackingUri: `http://127.0.0.1:${port}/demo/proj.mlflow`, queueDir: path.join(dir, 'queue') },
    });
    log.logMetrics({ loss: 0.5 }, 1);
    expect((await log.flush())?.stoppedBy).toBeTruthy();
    server = await startFakeMlflow(port);
    log.logMetrics({ loss: 0.25 }, 2);
    const result = await log.end({ waitMs: 20_000 });
    expect(result).toMatchObject({ pending: 0, stoppedBy: null });
    expect(server.runs).toHaveLength(1);
    expect(server.runs[0]?.metrics.map((m) => m.value)).toEqual([0.5, 0.25]);
  });
});

describe('answers lost after the server stored the request', () => {
  it('neither the run nor its metrics are stored twice', async () => {
    server = await startFakeMlflow();
    const queueDir = path.join(dir, 'queue');
    const log = makeLogger({ files: false, mlflow: { trackingUri: server.url, queueDir, retry: false } });
    log.logParams({ seed: 1 });
    log.logMetrics({ loss: 0.9 }, 1);
    log.logMetrics({ loss: 0.8 }, 2);
    server.dropAnswerOf.add('runs/create');
    server.dropAnswerOf.add('runs/log-batch');
    let result = await deliverQueue(queueDir);
    // Each lost answer stops one delivery round, as a dropped connection would.
    for (let i = 0; i < 5 && result.pending > 0; i++) result = await deliverQueue(queueDir);
    expect(server.dropAnswerOf.size).toBe(0);
    expect(result).toMatchObject({ pending: 0, failed: 0 });
    await log.end();
    expect(server.runs).toHaveLength(1);
    const stored = server.runs[0]!;
    expect(stored.tags[CLIENT_RUN_ID_TAG]).toBe(log.clientRunId);
    expect(stored.params).toEqual({ seed: '1' });
    expect(stored.metrics.map((m) => [m.step, m.value])).toEqual([
      [1, 0.9],
      [2, 0.8],
    ]);
    expect(server.requests.filter((r) => r === 'runs/create')).toHaveLength(1);
  });
});

describe('batching', () => {
  it('1,000 steps × 5 metrics travel in 5 log-batch requests, every point once', async () => {
    server = await startFakeMlflow();
    const log = makeLogger({
      files: false,
      mlflow: { trackingUri: server.url, queueDir: path.join(dir, 'queue'), retry: false },
    });
    log.logParams({ lr: 0.01, depth: 4 });
    for (let step = 0; step < 1000; step++) {
      log.logMetrics({ a: step, b: step * 2, c: step * 3, d: 1 / (step + 1), e: -step }, step);
    }
    expect(await log.end()).toMatchObject({ pending: 0, failed: 0, stoppedBy: null });
    // 5,000 points + 2 params: 1000 + 1000 + 1000 + 1000 + 1002 would break the limit, so 6 at most.
    const batches = server.requests.filter((r) => r === 'runs/log-batch').length;
    expect(batches).toBeGreaterThanOrEqual(5);
    expect(batches).toBeLessThanOrEqual(6);
    const stored = server.runs[0]!;
    expect(stored.metrics).toHaveLength(5000);
    expect(stored.metrics.filter((m) => m.key === 'e').map((m) => m.step)).toEqual([...Array(1000).keys()]);
    expect(stored.params).toEqual({ lr: '0.01', depth: '4' });
  }, 60_000); // 1,000 queued ops, each fsync'd: seconds on a busy disk

  it('a batch whose answer was lost is completed, not repeated, even when more was logged meanwhile', async () => {
    server = await startFakeMlflow();
    const queueDir = path.join(dir, 'queue');
    const log = makeLogger({ files: false, mlflow: { trackingUri: server.url, queueDir, retry: false } });
    for (let step = 0; step < 3; step++) log.logMetrics({ loss: 1 - step / 10 }, step);
    server.dropAnswerOf.add('runs/log-batch');
    expect((await deliverQueue(queueDir)).stoppedBy).toBeTruthy();
    // The server stored steps 0-2; the logger does not know. Steps 3-5 join the re-sent batch.
    for (let step = 3; step < 6; step++) log.logMetrics({ loss: 1 - step / 10, acc: step }, step);
    expect(await log.end()).toMatchObject({ pending: 0, failed: 0 });
    const stored = server.runs[0]!;
    expect(stored.metrics.filter((m) => m.key === 'loss').map((m) => m.step)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(stored.metrics.filter((m) => m.key === 'acc').map((m) => m.step)).toEqual([3, 4, 5]);
  });

  it('an unanswered batch stays marked while another run of the same queue is delivered first', async () => {
    server = await startFakeMlflow();
    const queueDir = path.join(dir, 'queue');
    const opts = (start: number) => ({
      files: false as const,
      now: () => start,
      mlflow: { trackingUri: server!.url, queueDir, retry: false },
    });
    const first = makeLogger(opts(1_000)); // its operations sort before the second run's
    const second = makeLogger(opts(2_000));
    expect(await deliverQueue(queueDir)).toMatchObject({ pending: 0 });
    for (let step = 0; step < 3; step++) second.logMetrics({ loss: step }, step);
    server.dropAnswerOf.add('runs/log-batch');
    expect((await deliverQueue(queueDir)).stoppedBy).toBeTruthy();
    first.logMetrics({ loss: 9 }, 0);
    expect(await deliverQueue(queueDir)).toMatchObject({ pending: 0, failed: 0 });
    const [a, b] = [...server.runs].sort((x, y) => Number(x.runId.slice(3)) - Number(y.runId.slice(3)));
    expect(a?.metrics.map((m) => m.value)).toEqual([9]);
    expect(b?.metrics.map((m) => m.value)).toEqual([0, 1, 2]);
    await first.end();
    await second.end();
  });

  it('a refused operation fails alone; the rest of its batch is delivered', async () => {
    server = await startFakeMlflow();
    const queueDir = path.join(dir, 'queue');
    const log = makeLogger({ files: false, mlflow: { trackingUri: server.url, queueDir, retry: false } });
    log.logMetrics({ loss: 0.9 }, 1);
    log.logMetrics({ 'not a name!': 1 }, 2);
    log.logMetrics({ loss: 0.7 }, 3);
    log.logParams({ lr: 0.1 });
    log.logParams({ lr: 0.2 }); // MLflow params never change: this one is refused
    const result = await log.end();
    expect(result).toMatchObject({ pending: 0, failed: 2 });
    const stored = server.runs[0]!;
    expect(stored.metrics.map((m) => [m.step, m.value])).toEqual([
      [1, 0.9],
      [3, 0.7],
    ]);
    expect(stored.params).toEqual({ lr: '0.1' });
    expect(stored.status).toBe('FINISHED');
    const reasons = fs.readdirSync(path.join(queueDir, 'failed')).filter((n) => n.endsWith('.reason.txt'));
    expect(reasons).toHaveLength(2);
  });

  it('the same point logged twice in one millisecond is sent once', async () => {
    server = await startFakeMlflow();
    const log = makeLogger({
      files: false,
      now: () => 1_700_000_000_000,
      mlflow: { trackingUri: server.url, queueDir: path.join(dir, 'queue'), retry: false },
    });
    log.logMetrics({ loss: 0.5 }, 1);
    log.logMetrics({ loss: 0.5 }, 1);
    log.logMetrics({ loss: 0.4 }, 1);
    await log.end();
    expect(server.runs[0]?.metrics.map((m) => m.value)).toEqual([0.5, 0.4]);
  });
});

describe('the code a run belongs to', () => {
  it('tags the run with the commit and branch checked out where it runs', async () => {
    const repo = path.join(dir, 'code');
    fs.mkdirSync(repo);
    const git = (...args: string[]) => run('git', args, { cwd: repo }).then((r) => r.stdout.trim());
    await git('init', '-q', '-b', 'experiments');
    fs.writeFileSync(path.join(repo, 'train.py'), 'print(1)\n');
    await git('add', 'train.py');
    await git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'train');
    const head = await git('rev-parse', 'HEAD');
    server = await startFakeMlflow();
    const log = makeLogger({
      files: false,
      gitTags: { cwd: repo },
      mlflow: { trackingUri: server.url, queueDir: path.join(dir, 'queue'), retry: false },
    });
    await log.end();
    expect(server.runs[0]?.tags).toMatchObject({
      'mlflow.source.git.commit': head,
      'mlflow.source.git.branch': 'experiments',
    });

    // Outside a work tree there is nothing to link, and logging goes on.
    const outside = makeLogger({
      files: false,
      gitTags: { cwd: os.tmpdir() },
      mlflow: { trackingUri: server.url, queueDir: path.join(dir, 'queue2'), retry: false },
    });
    await outside.end();
    expect(Object.keys(server.runs[1]?.tags ?? {}).filter((k) => k.startsWith('mlflow.source.git'))).toEqual([]);
  });
});
