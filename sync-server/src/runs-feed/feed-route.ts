import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Run } from '@cairn/core';
import { challengeFor } from '../auth/refuse.ts';
import type { SqlDatabase } from '../db/sql.ts';
import { sendError } from '../http/respond.ts';
import { type Routes, route, sendMethodNotAllowed } from '../http/router.ts';
import type { Logger } from '../log.ts';
import { MlflowError } from '../mlflow/errors.ts';
import type { Authorize } from '../mlflow/route.ts';
import type { RunStore } from '../mlflow/runs-store.ts';
import type { Route } from '../server.ts';
import { OfflineRunError, readOfflineRun } from './offline-run.ts';

/**
 * runs-feed/ — the app's view of a repository's runs, in the core run model. The contract,
 * with its limits and error codes, is PROTOCOL.md beside this file.
 *
 *   GET  /api/v1/repos/OWNER/REPO/runs?since=SEQ&limit=N
 *        → { runs: Run[], seq, next, remaining }   runs changed after SEQ, oldest change first.
 *        Every change to a run (created, logged to, tagged, updated, deleted, restored) gives
 *        it a new, higher sequence number, so a client stores `seq` and later asks for
 *        `since=seq` to get only what changed. `next` is the `since` of the following page when
 *        the answer was cut at `limit`, else null (and `seq` is then the repository's current
 *        sequence). Deleted runs come with `lifecycleStage: "deleted"`. Non-finite metric values
 *        are sent as the strings "NaN", "Infinity", "-Infinity" (see core `runFromWire`).
 *   POST /api/v1/repos/OWNER/REPO/runs/batch   { runs: OfflineRun[] }
 *        → { results: [{ id, outcome: "created" | "updated" | "unchanged" }], seq }
 *        Runs a client made offline, with client-made ids, all in one transaction. Idempotent:
 *        params are immutable (a different value is refused), metric points and tags are
 *        merged, so sending the same run again answers "unchanged" and moves no sequence.
 *
 * Reads need read access to the repository, uploads write access (Basic or Bearer token).
 */

const PATH = /^\/api\/v1\/repos\/([^/]+)\/([^/]+)\/runs(\/batch)?$/;
export const FEED_DEFAULT_LIMIT = 500;
export const FEED_MAX_LIMIT = 5000;
export const BATCH_MAX_RUNS = 1000;
export const BATCH_MAX_METRIC_POINTS = 200_000;
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** The feed (GET …/runs) and the upload of offline runs (POST …/runs/batch). */
const FEED_ROUTES: Routes<'feed' | 'batch'> = [
  ['GET', /^$/, 'feed'],
  ['POST', /^\/batch$/, 'batch'],
];

export function makeRunsFeedRoute(deps: {
  sql: SqlDatabase;
  runs: RunStore;
  authorize: Authorize;
  log: Logger;
}): Route {
  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const m = PATH.exec(url.pathname)!;
    let owner: string;
    let repo: string;
    try {
      owner = decodeURIComponent(m[1]!);
      repo = decodeURIComponent(m[2]!);
    } catch {
      return sendError(res, 404, 'not_found', 'No such repository.');
    }
    const found = route(FEED_ROUTES, req.method ?? 'GET', m[3] ?? '');
    if (!found || 'allow' in found) {
      req.resume();
      const allow = found ? found.allow : 'GET';
      return sendMethodNotAllowed(res, allow, `Use ${allow} here.`);
    }
    const isBatch = found.handler === 'batch';
    const auth = await deps.authorize(req, url, owner, repo, isBatch ? 'write' : 'read');
    if (!auth.ok) {
      req.resume();
      const code = auth.status === 401 ? 'unauthorized' : auth.status === 403 ? 'forbidden' : 'not_found';
      return sendError(res, auth.status, code, auth.message, auth.status === 401 ? challengeFor(req) : {});
    }
    if (!isBatch) return feed(res, url, auth.repoId);
    return batch(req, res, auth.repoId);
  }

  async function feed(res: ServerResponse, url: URL, repoId: number): Promise<void> {
    const since = intParam(url, 'since', 0);
    const limit = intParam(url, 'limit', FEED_DEFAULT_LIMIT);
    if (since === null || since < 0) {
      sendError(res, 400, 'bad_request', 'since must be a sequence number (an integer ≥ 0).');
      return;
    }
    if (limit === null || limit < 1 || limit > FEED_MAX_LIMIT) {
      sendError(res, 400, 'bad_request', `limit must be an integer from 1 to ${FEED_MAX_LIMIT}.`);
      return;
    }
    // The current sequence is read before the page, so the page holds every change up to it: a
    // sequence number is taken under the repository's row lock and held to commit, so changes
    // become visible in sequence order, and one committed after this read has a higher number.
    // (No transaction needed, which PostgreSQL's per-statement snapshots would not honour.)
    const current = await deps.runs.currentSeq(repoId);
    const page = await deps.runs.changedSince(repoId, since, limit);
    const last = page.seqs[page.seqs.length - 1];
    const seq = page.more && last !== undefined ? last : Math.max(current, last ?? 0);
    sendWire(res, 200, { runs: page.runs, seq, next: page.more ? seq : null, remaining: page.remaining });
  }

  async function batch(req: IncomingMessage, res: ServerResponse, repoId: number): Promise<void> {
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (err) {
      return sendError(res, 400, 'malformed_json', (err as Error).message);
    }
    const list = (body as { runs?: unknown } | null)?.runs;
    if (!Array.isArray(list)) return sendError(res, 400, 'bad_request', 'The body must be {"runs": [ … ]}.');
    if (list.length > BATCH_MAX_RUNS)
      return sendError(res, 400, 'too_many_runs', `At most ${BATCH_MAX_RUNS} runs per batch.`);
    try {
      const runs = list.map(readOfflineRun);
      const points = runs.reduce((n, r) => n + r.metrics.length, 0);
      if (points > BATCH_MAX_METRIC_POINTS) {
        return sendError(res, 400, 'too_many_metrics', `At most ${BATCH_MAX_METRIC_POINTS} metric points per batch.`);
      }
      const result = await deps.sql.transaction(async (tx) => {
        const store = deps.runs.within(tx);
        const results: Array<{ id: string; outcome: 'created' | 'updated' | 'unchanged' }> = [];
        for (const [index, r] of runs.entries()) {
          try {
            results.push({ id: r.id, outcome: await store.upsertOffline(repoId, r) });
          } catch (err) {
            if (err instanceof MlflowError)
              throw new OfflineRunError(`runs[${index}] (${r.id}): ${err.message}`, index);
            throw err;
          }
        }
        return { results, seq: await store.currentSeq(repoId) };
      });
      sendWire(res, 200, result);
    } catch (err) {
      if (err instanceof OfflineRunError) {
        return sendError(res, 400, err.code, err.message);
      }
      throw err;
    }
  }

  return {
    name: 'runs-feed',
    match: (pathname) => PATH.test(pathname),
    async handle(req, res, url) {
      await handle(req, res, url);
    },
  };
}

function intParam(url: URL, name: string, fallback: number): number | null {
  const v = url.searchParams.get(name);
  if (v === null || v === '') return fallback;
  return /^\d{1,15}$/.test(v) ? Number(v) : null;
}

/** Whether every metric value of these runs is finite (their other numbers always are). */
function metricsFinite(runs: readonly Run[]): boolean {
  for (const r of runs) {
    for (const k in r.metrics) if (!Number.isFinite(r.metrics[k])) return false;
    for (const k in r.metricSummaries) {
      const s = r.metricSummaries[k] as Run['metricSummaries'][string];
      if (!Number.isFinite(s.last) || !Number.isFinite(s.min) || !Number.isFinite(s.max)) return false;
    }
  }
  return true;
}

/**
 * JSON with non-finite numbers as strings (JSON has no NaN). A replacer is called for every
 * value (about half the time of a feed page of 5,000 runs), so a page of runs whose metrics
 * are all finite — nearly always — is written without one.
 */
function sendWire(res: ServerResponse, status: number, body: { runs?: Run[] } | object): void {
  const runs = (body as { runs?: Run[] }).runs;
  const text =
    Array.isArray(runs) &&
    metricsFinite(runs) &&
    Object.keys(body).every((k) => k === 'runs' || k === 'seq' || k === 'next' || k === 'remaining')
      ? JSON.stringify(body)
      : JSON.stringify(body, (_k, v) =>
          typeof v === 'number' && !Number.isFinite(v)
            ? Number.isNaN(v)
              ? 'NaN'
              : v > 0
                ? 'Infinity'
                : '-Infinity'
            : v,
        );
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error(`The body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new Error(`The body is not valid JSON: ${(err as Error).message}`);
  }
}
