import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { type ObjectName, parseObjectName } from '@cairn/core/cache';
import {
  BATCH_MISSING_HEADER,
  BATCH_MISSING_PATH,
  type BatchMissingResponse,
  readBatchMissingRequest,
} from '@cairn/core/dvc-remote';
import type { Access, Permission, RepoRecord } from '../auth/access.ts';
import { refuse, refuseInvalidCredentials } from '../auth/refuse.ts';
import {
  BlobHashMismatchError,
  BlobStorageFullError,
  type BlobStore,
  BlobStoreUnavailableError,
  BlobTooLargeError,
} from '../blobs/blob-store.ts';
import type { ServerSettings } from '../config.ts';
import type { ServerContext } from '../context.ts';
import { DatabaseUnavailableError } from '../db/sql.ts';
import { HttpError } from '../http/http-error.ts';
import { readJsonBody } from '../http/json-body.ts';
import { sendError, sendHttpError, sendJson } from '../http/respond.ts';
import { sendMethodNotAllowed } from '../http/router.ts';
import { checkDirManifest, DirManifestError } from './dir-manifest.ts';
import type { ObjectIndex } from './object-index.ts';
import { parseRange } from './range.ts';
import { parseRemoteAddress } from './remote-address.ts';

/**
 * The DVC HTTP remote at `/owner/repo.dvc/` (docs/FORMATS.md §2): HEAD and GET (with a single byte
 * range) of objects, POST and PUT uploads (chunked or not, answered 200), both layouts, Basic
 * auth on every request. Uploads stream into the BlobStore, which verifies the MD5 before the
 * object exists; `.dir` manifests are also parsed. The batch call
 * `POST /owner/repo.dvc/missing {"oids": […]}` (also `hashes`) answers `{"missing": […]}`.
 * The contract (layouts, the legacy store, the batch call) is PROTOCOL.md beside this file.
 */

export interface DvcRemoteDeps {
  ctx: ServerContext;
  store: BlobStore;
  /** Objects uploaded at DVC 2 paths, verified with md5-dos2unix (see blobs/shared-store.ts). */
  legacyStore: BlobStore;
  index: ObjectIndex;
  settings: ServerSettings;
  access: Access;
}

/** Index key of an object uploaded at a DVC 2 path (the batch call speaks of md5-layout oids). */
function legacyIndexKey(oid: string): string {
  return `dvc2/${oid}`;
}

/** Largest batch-missing request body: MAX_BATCH_OIDS (100k) oids of ~40 bytes. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

export function makeDvcRemoteHandler(deps: DvcRemoteDeps) {
  const { ctx, store, legacyStore, index, settings, access } = deps;
  let uploading = 0;

  /** Authorises `need` on the repo, answering the refusal itself; null when refused. */
  async function authorize(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    owner: string,
    repo: string,
    need: Permission,
  ): Promise<RepoRecord | null> {
    const who = await access.authenticate(req, url);
    if (who && 'invalid' in who) {
      refuseInvalidCredentials(res);
      return null;
    }
    const r = await access.authorizeRepo(who, owner, repo, need);
    if (!r.ok) {
      refuse(res, r.status, r.code, r.message);
      return null;
    }
    return r.repo;
  }

  /**
   * Where an object of this repo's remote lives. A DVC 2 path is served from the legacy store,
   * else from the md5 store: bytes whose md5 is their name also have it as md5-dos2unix name
   * (no CRLF to normalise) so they are valid at both paths; the reverse is not true.
   */
  async function locate(repoId: number, obj: ObjectName) {
    if (obj.layout === 'v2' && (await index.get(repoId, legacyIndexKey(obj.oid)))) {
      const stat = await legacyStore.stat(obj.md5);
      if (stat) return { known: true, stat, from: legacyStore };
    }
    const known = (await index.get(repoId, obj.oid)) !== null;
    return { known, stat: known ? await store.stat(obj.md5) : null, from: store };
  }

  async function serveObject(req: IncomingMessage, res: ServerResponse, repo: RepoRecord, obj: ObjectName) {
    const { known, stat, from } = await locate(repo.id, obj);
    if (!stat) {
      if (known) ctx.log.error('dvc object indexed but missing from the blob store', { repo: repo.id, oid: obj.oid });
      return sendError(res, 404, 'dvc_object_missing', `The remote has no object ${obj.oid}.`);
    }
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/octet-stream',
      ETag: `"${obj.md5}"`,
      'Accept-Ranges': 'bytes',
      // Objects never change under a name, but may be private.
      'Cache-Control': 'private, max-age=31536000, immutable',
    };
    const range = parseRange(req.headers.range, stat.size);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${stat.size}`, 'Content-Length': 0 });
      return void res.end();
    }
    const status = range ? 206 : 200;
    const start = range?.start ?? 0;
    const end = range?.end ?? stat.size - 1;
    if (range) headers['Content-Range'] = `bytes ${start}-${end}/${stat.size}`;
    headers['Content-Length'] = stat.size === 0 ? 0 : end - start + 1;
    // A HEAD is DVC asking whether to upload: "present" means it will rely on it (see missing()).
    if (req.method === 'HEAD' && (await from.touch?.(obj.md5)) === false) {
      return sendError(res, 404, 'dvc_object_missing', `The remote has no object ${obj.oid}.`);
    }
    res.writeHead(status, headers);
    if (req.method === 'HEAD' || stat.size === 0) return void res.end();
    const body = from.read(obj.md5, { start, end });
    body.on('error', (err) => {
      ctx.log.error('dvc object read failed', { oid: obj.oid, error: String(err) });
      res.destroy();
    });
    res.on('close', () => body.destroy());
    body.pipe(res);
  }

  async function receiveObject(req: IncomingMessage, res: ServerResponse, repo: RepoRecord, obj: ObjectName) {
    const declared = req.headers['content-length'] === undefined ? null : Number(req.headers['content-length']);
    const limit = obj.isDir ? Math.min(settings.maxManifestBytes, settings.maxUploadBytes) : settings.maxUploadBytes;
    if (declared !== null && declared > limit) {
      res.setHeader('Connection', 'close');
      return sendError(res, 413, 'blob_too_large', `Objects may be at most ${limit} bytes; this one is ${declared}.`);
    }
    if (uploading >= settings.maxConcurrentUploads) {
      res.setHeader('Connection', 'close');
      return sendError(res, 503, 'too_many_uploads', 'The server is busy with other uploads; retry shortly.', {
        'Retry-After': '1',
      });
    }
    uploading++;
    try {
      let source: Readable = req;
      if (obj.isDir) {
        const bytes = await readAll(req, limit);
        checkDirManifest(bytes);
        source = Readable.from([bytes]);
      }
      const legacy = obj.layout === 'v2';
      const { size, created } = await (legacy ? legacyStore : store).write(obj.md5, source, { maxBytes: limit });
      await index.add(repo.id, legacy ? legacyIndexKey(obj.oid) : obj.oid, size);
      ctx.log.debug('dvc object stored', { repo: repo.id, oid: obj.oid, size, created });
      sendJson(res, 200, { oid: obj.oid, size });
    } catch (err) {
      if (err instanceof BlobHashMismatchError) {
        return sendError(res, 400, err.code, err.message);
      }
      if (err instanceof DirManifestError) return sendError(res, 400, err.code, err.message);
      if (err instanceof BlobTooLargeError) {
        res.setHeader('Connection', 'close');
        return sendError(res, 413, err.code, err.message);
      }
      if (err instanceof BlobStorageFullError) {
        // Let the client finish sending so it reads the answer, then close the connection.
        res.setHeader('Connection', 'close');
        req.resume();
        return sendError(res, 507, err.code, err.message);
      }
      if (err instanceof BlobStoreUnavailableError || err instanceof DatabaseUnavailableError) {
        // server.ts answers 503 + Retry-After and closes the connection. (The store may have read
        // the request to its end, which also marks it destroyed: not a client that went away.)
        req.resume();
        throw err;
      }
      if (req.destroyed || (err as NodeJS.ErrnoException).code === 'ECONNRESET') {
        ctx.log.info('dvc upload abandoned by the client', { repo: repo.id, oid: obj.oid });
        return;
      }
      throw err;
    } finally {
      uploading--;
    }
  }

  async function missing(req: IncomingMessage, res: ServerResponse, repo: { id: number }) {
    const request = readBatchMissingRequest(await readJsonBody(req, MAX_BATCH_BYTES));
    if (!request.ok) {
      const { message, index: at } = request.problem;
      throw new HttpError('bad_request', 400, message, at === undefined ? undefined : { index: at });
    }
    const oids = request.oids;
    const absent = new Set(await index.missing(repo.id, oids));
    // What we answer "present" the client will not upload but will name in a commit: freshen it
    // so a GC running now keeps it, and answer "missing" if its bytes are gone after all.
    if (store.touch) {
      const present = [...new Set(oids)].filter((o) => !absent.has(o));
      for (let i = 0; i < present.length; i += 64) {
        const batch = present.slice(i, i + 64);
        const there = await Promise.all(
          batch.map((o) => (store.touch as (m: string) => Promise<boolean>)(o.replace(/\.dir$/, ''))),
        );
        batch.forEach((o, j) => {
          if (!there[j]) absent.add(o);
        });
      }
    }
    const answer: BatchMissingResponse = { missing: [...new Set(oids)].filter((o) => absent.has(o)) };
    sendJson(res, 200, answer);
  }

  return {
    /** The batch call, also reachable as `POST /api/v1/repos/O/R/dvc/missing`; the caller authorised read. */
    missing,
    get uploading(): number {
      return uploading;
    },
    /** Handles a request whose path is under some `/owner/repo.dvc`. */
    async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
      const address = parseRemoteAddress(url.pathname);
      if (!address) return sendError(res, 404, 'not_found', 'Not a DVC remote URL.');
      const method = req.method ?? 'GET';
      const writing = method === 'POST' || method === 'PUT';
      try {
        if (address.rest === BATCH_MISSING_PATH || address.rest === `api/${BATCH_MISSING_PATH}`) {
          // GET/HEAD describe the batch call without side effects, so a client can tell a Cairn
          // remote from a plain DVC HTTP remote before it POSTs (a plain one would store the body).
          if (method === 'GET' || method === 'HEAD') {
            return sendJson(
              res,
              200,
              { batch: 'missing', request: 'POST {"oids": [md5, …]}', response: '{"missing": [md5, …]}' },
              { [BATCH_MISSING_HEADER]: '1' },
            );
          }
          if (method !== 'POST') return sendMethodNotAllowed(res, 'GET, HEAD, POST');
          const repo = await authorize(req, res, url, address.owner, address.repo, 'read');
          return repo ? await missing(req, res, repo) : undefined;
        }
        if (method !== 'GET' && method !== 'HEAD' && !writing) return sendMethodNotAllowed(res, 'GET, HEAD, POST, PUT');
        const repo = await authorize(req, res, url, address.owner, address.repo, writing ? 'write' : 'read');
        if (!repo) return;
        const obj = parseObjectName(address.rest) ?? null;
        if (!obj) {
          if (writing) {
            return sendError(
              res,
              400,
              'dvc_bad_object_path',
              'Objects are stored at files/md5/ab/cdef… (DVC 3) or ab/cdef… (DVC 2): 32 lowercase hex digits, optionally ending in .dir.',
            );
          }
          return sendError(res, 404, 'dvc_object_missing', 'No object at this path.');
        }
        if (writing) return await receiveObject(req, res, repo, obj);
        return await serveObject(req, res, repo, obj);
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        sendHttpError(res, err);
      }
    },
  };
}

async function readAll(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BlobTooLargeError({ maxBytes: limit });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
