import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { challengeFor } from '../auth/refuse.ts';
import { BlobStorageFullError, BlobStoreUnavailableError } from '../blobs/blob-store.ts';
import { DATABASE_RETRY_AFTER_SECONDS, DatabaseUnavailableError } from '../db/sql.ts';
import { DISK_FULL_MESSAGE, isDiskFull } from '../http/disk-full.ts';
import { sendJson } from '../http/respond.ts';
import type { Logger } from '../log.ts';
import type { Route } from '../server.ts';
import { type ArtifactStore, artifactRootOf } from './artifact-store.ts';
import { invalid, MlflowError, sendMlflowError } from './errors.ts';
import type { ExperimentStore } from './experiments-store.ts';
import { makeEndpoints } from './handlers.ts';
import type { Method, RegistryEndpoint } from './registry/endpoints.ts';
import type { RunStore } from './runs-store.ts';
import { type Input, optionalString, runIdOf } from './validate.ts';

/**
 * The MLflow tracking server of every repository, at `/OWNER/REPO.mlflow/…` (DagsHub's scheme):
 *   /api/2.0/mlflow/<endpoint>            REST API (also /api/2.0/preview/mlflow/, /ajax-api/2.0/mlflow/)
 *   /api/2.0/mlflow-artifacts/artifacts   artifact proxy: GET ?path= lists, GET /<path> downloads, PUT /<path> uploads
 * Reads need read access to the repository, writes need write access; refusals use MLflow's
 * error shape (a 401 also carries a Basic challenge so clients send credentials).
 */

export type AuthorizeResult = { ok: true; repoId: number } | { ok: false; status: 401 | 403 | 404; message: string };

/**
 * Decides whether the caller may `need` the repository; the repository's id when so. May answer
 * at once or later (an access check over a database that answers asynchronously).
 */
export type Authorize = (
  req: IncomingMessage,
  url: URL,
  owner: string,
  repo: string,
  need: 'read' | 'write',
) => AuthorizeResult | Promise<AuthorizeResult>;

export interface MlflowRouteDeps {
  experiments: ExperimentStore;
  runs: RunStore;
  artifacts: ArtifactStore;
  authorize: Authorize;
  log: Logger;
  /** Largest artifact upload, in bytes. */
  maxArtifactBytes: number;
  /** The Model Registry's endpoints (registry/endpoints.ts). */
  registry?: Record<string, RegistryEndpoint>;
}

const PATH = /^\/([^/]+)\/([^/]+)\.mlflow(\/.*)?$/;
const API = /^\/(?:api\/2\.0(?:\/preview)?|ajax-api\/2\.0)\/mlflow\/(.+)$/;
const ARTIFACTS = /^\/(?:api|ajax-api)\/2\.0\/mlflow-artifacts\/artifacts(?:\/(.*))?$/;
const MAX_JSON_BYTES = 16 * 1024 * 1024;

export function makeMlflowRoute(deps: MlflowRouteDeps): Route {
  const endpoints = makeEndpoints(deps.experiments, deps.runs);

  /** Checks access, answering the refusal in MLflow's shape; the repo id when allowed. */
  async function allow(
    req: IncomingMessage,
    url: URL,
    owner: string,
    repo: string,
    need: 'read' | 'write',
  ): Promise<number> {
    const r = await deps.authorize(req, url, owner, repo, need);
    if (r.ok) {
      await deps.experiments.ensureDefault(r.repoId);
      return r.repoId;
    }
    const code =
      r.status === 401 ? 'UNAUTHENTICATED' : r.status === 403 ? 'PERMISSION_DENIED' : 'RESOURCE_DOES_NOT_EXIST';
    throw new MlflowError(code, r.message, {}, r.status);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const m = PATH.exec(url.pathname)!;
    const owner = decodeName(m[1]!);
    const repo = decodeName(m[2]!);
    const rest = m[3] ?? '/';
    const method = req.method ?? 'GET';

    const art = ARTIFACTS.exec(rest);
    if (art) {
      const artifactPath = decodePath(art[1] ?? '');
      if (method === 'PUT') {
        if (artifactPath === '') throw invalid('An artifact upload needs a file path.');
        const repoId = await allow(req, url, owner, repo, 'write');
        await deps.artifacts.put(repoId, artifactPath, req, deps.maxArtifactBytes);
        return sendJson(res, 200, {});
      }
      if (method !== 'GET') throw methodNotAllowed(method, 'GET, PUT');
      const repoId = await allow(req, url, owner, repo, 'read');
      if (art[1] === undefined || art[1] === '') {
        const dir = url.searchParams.get('path') ?? '';
        const files = (await deps.artifacts.list(repoId, dir)).map((e) => ({
          path: e.name,
          is_dir: e.isDir,
          ...(e.isDir ? {} : { file_size: e.size }),
        }));
        return sendJson(res, 200, { files });
      }
      const { size, read } = await deps.artifacts.open(repoId, artifactPath);
      res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': size,
        'Cache-Control': 'no-store',
      });
      await pipeline(read(), res);
      return;
    }

    const api = API.exec(rest);
    const name = api?.[1]?.replace(/\/+$/, '');
    if (!name) throw new MlflowError('ENDPOINT_NOT_FOUND', `No MLflow endpoint at ${rest}.`);
    if (name === 'artifacts/list') {
      if (method !== 'GET') throw methodNotAllowed(method, 'GET');
      const repoId = await allow(req, url, owner, repo, 'read');
      return sendJson(res, 200, await listRunArtifacts(repoId, queryInput(url)));
    }
    const registered = deps.registry && Object.hasOwn(deps.registry, name) ? deps.registry[name] : undefined;
    if (registered) {
      if (!registered.methods.includes(method as Method)) throw methodNotAllowed(method, registered.methods.join(', '));
      const repoId = await allow(req, url, owner, repo, registered.need(method as Method));
      // The Python client sends DELETE bodies as JSON; query parameters are accepted too.
      const input =
        method === 'GET'
          ? queryInput(url)
          : { ...(method === 'DELETE' ? queryInput(url) : {}), ...(await jsonInput(req)) };
      return sendJson(res, 200, (await registered.handle(repoId, input, method as Method)) ?? {});
    }
    const endpoint = Object.hasOwn(endpoints, name) ? endpoints[name] : undefined;
    if (!endpoint) throw new MlflowError('ENDPOINT_NOT_FOUND', `No MLflow endpoint named ${name}.`);
    if (!endpoint.methods.includes(method as 'GET' | 'POST'))
      throw methodNotAllowed(method, endpoint.methods.join(', '));
    const repoId = await allow(req, url, owner, repo, endpoint.need);
    const input = method === 'GET' ? queryInput(url) : await jsonInput(req);
    sendJson(res, 200, (await endpoint.handle(repoId, input)) ?? {});
  }

  async function listRunArtifacts(repoId: number, input: Input) {
    const run = await deps.runs.get(repoId, runIdOf(input));
    const sub = (optionalString(input, 'path') ?? '').replace(/^\/+|\/+$/g, '');
    const root = artifactRootOf(run.artifactUri);
    if (root === null) return { root_uri: run.artifactUri, files: [] };
    const files = (await deps.artifacts.list(repoId, sub ? `${root}/${sub}` : root)).map((e) => ({
      path: sub ? `${sub}/${e.name}` : e.name,
      is_dir: e.isDir,
      ...(e.isDir ? {} : { file_size: e.size }),
    }));
    return { root_uri: run.artifactUri, files };
  }

  return {
    name: 'mlflow',
    match: (pathname) => PATH.test(pathname),
    async handle(req, res, url) {
      try {
        await handle(req, res, url);
      } catch (err) {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (err instanceof MlflowError) {
          if (req.readable && !req.readableEnded) req.resume();
          sendMlflowError(
            res,
            err,
            err.status === 401
              ? challengeFor(req)
              : err.status === 405
                ? { Allow: String(err.details.allow ?? '') }
                : {},
          );
          return;
        }
        if (err instanceof BlobStoreUnavailableError) {
          // The artifacts' bucket is down: retry shortly, as the DVC remote answers.
          if (req.readable && !req.readableEnded) req.resume();
          res.setHeader('Connection', 'close');
          sendMlflowError(res, new MlflowError('INTERNAL_ERROR', err.message, { reason: err.code }, 503), {
            'Retry-After': '1',
          });
          return;
        }
        if (err instanceof DatabaseUnavailableError) {
          // PostgreSQL went away mid-request (a restart): nothing uncommitted happened, so the
          // client's retry is safe — say so as the rest of the server does, in MLflow's shape.
          deps.log.error('mlflow request: database unavailable', { path: url.pathname, error: err.message });
          if (req.readable && !req.readableEnded) req.resume();
          res.setHeader('Connection', 'close');
          sendMlflowError(res, new MlflowError('INTERNAL_ERROR', err.message, { reason: err.code }, 503), {
            'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS),
          });
          return;
        }
        if (isDiskFull(err) || err instanceof BlobStorageFullError) {
          // Let the client finish sending so it reads the answer, then close the connection.
          res.setHeader('Connection', 'close');
          if (req.readable && !req.readableEnded) req.resume();
          sendMlflowError(res, new MlflowError('INTERNAL_ERROR', DISK_FULL_MESSAGE, { reason: 'storage_full' }, 507));
          return;
        }
        deps.log.error('mlflow request failed', { path: url.pathname, error: String(err) });
        sendMlflowError(res, new MlflowError('INTERNAL_ERROR', 'The server failed to answer this request.'));
      }
    },
  };
}

function methodNotAllowed(method: string, allow: string): MlflowError {
  return new MlflowError('BAD_REQUEST', `Method ${method} is not allowed here; use ${allow}.`, { allow }, 405);
}

function decodeName(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new MlflowError('RESOURCE_DOES_NOT_EXIST', 'No such repository.');
  }
}

function decodePath(s: string): string {
  try {
    return s.split('/').map(decodeURIComponent).join('/');
  } catch {
    throw invalid('The artifact path is not valid percent-encoding.');
  }
}

/** Query parameters as an input object (repeated keys become lists). */
function queryInput(url: URL): Input {
  const out: Input = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

async function jsonInput(req: IncomingMessage): Promise<Input> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_JSON_BYTES)
    throw new MlflowError('REQUEST_LIMIT_EXCEEDED', `Request bodies may be at most ${MAX_JSON_BYTES} bytes.`, {}, 413);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BYTES)
      throw new MlflowError(
        'REQUEST_LIMIT_EXCEEDED',
        `Request bodies may be at most ${MAX_JSON_BYTES} bytes.`,
        {},
        413,
      );
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new MlflowError('MALFORMED_REQUEST', `The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MlflowError('MALFORMED_REQUEST', 'The request body must be a JSON object.');
  }
  return parsed as Input;
}
