/**
 * A DVC HTTP remote (docs/FORMATS.md §2): objects at `<url>/files/md5/ab/cdef…` (DVC 3) or
 * `<url>/ab/cdef…` (legacy), uploaded with POST (or the remote's `method`, e.g. PUT) as a
 * chunked stream, downloaded with GET, existence by HEAD (falling back to GET where HEAD is
 * refused). Cairn's sync server also answers a batch `POST <url>/missing {"oids": […]}`;
 * `missing()` uses it when offered and per-object checks otherwise. Auth: `auth = basic` with
 * `user`/`password`, or `auth = custom` with `custom_auth_header` and `password`, as DVC.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import {
  BATCH_MISSING_HEADER,
  BATCH_MISSING_PATH,
  type BatchMissingRequest,
  type CacheLayout,
  type DvcRemoteConfig,
  MAX_BATCH_OIDS,
  objectPath,
  readBatchMissingResponse,
} from '@cairn/core';
import { CliError } from '../cli-error.ts';

/** Oids per batch call: half the server's limit keeps each request body near 2 MB. */
const CHUNK_OIDS = MAX_BATCH_OIDS / 2;

export interface ObjectRef {
  oid: string;
  layout: CacheLayout;
}

export class HttpRemote {
  private readonly base: string;
  private readonly headers: Record<string, string> = {};
  private readonly method: string;
  private batchMissing: boolean | undefined;

  constructor(readonly config: DvcRemoteConfig) {
    let url: URL;
    try {
      url = new URL(config.url);
    } catch {
      throw new CliError('remote', `remote '${config.name}' has an invalid url '${config.url}'`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new CliError(
        'remote',
        `remote '${config.name}': only http and https remotes are supported (got ${url.protocol})`,
      );
    }
    const o = config.options;
    let user = decodeURIComponent(url.username) || o.user;
    let password = decodeURIComponent(url.password) || o.password;
    url.username = '';
    url.password = '';
    this.base = url.href.replace(/\/+$/, '');
    const auth = o.auth?.toLowerCase();
    if (auth === 'basic' || (auth === undefined && user !== undefined && password !== undefined)) {
      user ??= '';
      password ??= '';
      this.headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    } else if (auth === 'custom') {
      if (!o.custom_auth_header)
        throw new CliError('remote', `remote '${config.name}': auth custom needs custom_auth_header`);
      this.headers[o.custom_auth_header.toLowerCase()] = password ?? '';
    } else if (auth !== undefined) {
      throw new CliError('remote', `remote '${config.name}': auth '${o.auth}' is not supported (use basic or custom)`);
    }
    this.method = (o.method ?? 'POST').toUpperCase();
  }

  url(ref: ObjectRef): string {
    return `${this.base}/${objectPath(ref.oid, ref.layout)}`;
  }

  private async request(url: string, init: RequestInit & { duplex?: 'half' }): Promise<Response> {
    try {
      return await fetch(url, { ...init, headers: { ...this.headers, ...(init.headers as Record<string, string>) } });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(
        'remote',
        `cannot reach ${this.base}: ${cause?.code ?? cause?.message ?? (e as Error).message}`,
      );
    }
  }

  private refuse(res: Response, what: string): never {
    if (res.status === 401 || res.status === 403) {
      throw new CliError(
        'remote',
        `${what}: the remote refused the credentials (HTTP ${res.status}); set them with \`dvc remote modify --local ${this.config.name} user/password\``,
      );
    }
    throw new CliError('remote', `${what}: HTTP ${res.status} ${res.statusText}`);
  }

  /** Whether the remote holds the object (HEAD; GET where HEAD is not allowed). */
  async exists(ref: ObjectRef): Promise<boolean> {
    const url = this.url(ref);
    let res = await this.request(url, { method: 'HEAD' });
    if (res.status === 405 || res.status === 501) {
      const ac = new AbortController();
      res = await this.request(url, { method: 'GET', signal: ac.signal });
      ac.abort();
    }
    if (res.status === 404) return false;
    if (res.ok) return true;
    return this.refuse(res, `checking ${ref.oid}`);
  }

  /** The refs the remote lacks: one batch call where offered, else `concurrency` checks at once. */
  async missing(refs: ObjectRef[], concurrency: number): Promise<ObjectRef[]> {
    if (refs.length === 0) return [];
    if (this.batchMissing !== false) {
      const batch = await this.tryBatchMissing(refs);
      if (batch) return batch;
    }
    const out: ObjectRef[] = [];
    await forEachLimit(refs, concurrency, async (r) => {
      if (!(await this.exists(r))) out.push(r);
    });
    return out;
  }

  /**
   * Whether the remote offers the batch call. Asked once with a GET, which a Cairn remote answers
   * with a marker header and a plain DVC HTTP remote with 404: POSTing blindly would make a plain
   * remote store a file named `missing`.
   */
  private async offersBatchMissing(): Promise<boolean> {
    const res = await this.request(`${this.base}/${BATCH_MISSING_PATH}`, {
      method: 'GET',
      headers: { accept: 'application/json' },
    });
    await res.body?.cancel();
    return res.ok && res.headers.get(BATCH_MISSING_HEADER) === '1';
  }

  private async tryBatchMissing(refs: ObjectRef[]): Promise<ObjectRef[] | undefined> {
    if (this.batchMissing === undefined && !(await this.offersBatchMissing())) {
      this.batchMissing = false;
      return undefined;
    }
    const oids = [...new Set(refs.map((r) => r.oid))];
    const missing = new Set<string>();
    for (let i = 0; i < oids.length; i += CHUNK_OIDS) {
      const request: BatchMissingRequest = { oids: oids.slice(i, i + CHUNK_OIDS) };
      const res = await this.request(`${this.base}/${BATCH_MISSING_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(request),
      });
      if (res.status === 401 || res.status === 403) this.refuse(res, 'listing missing objects');
      const body: unknown =
        res.ok && res.headers.get('content-type')?.includes('json') ? await res.json().catch(() => null) : null;
      if (!res.bodyUsed) await res.body?.cancel();
      const list = readBatchMissingResponse(body);
      if (!list) {
        this.batchMissing = false;
        return undefined;
      }
      for (const oid of list) missing.add(oid);
    }
    this.batchMissing = true;
    return refs.filter((r) => missing.has(r.oid));
  }

  /** Streams a local file up (chunked). */
  async upload(ref: ObjectRef, file: string, onBytes?: (n: number) => void): Promise<void> {
    const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
    if (onBytes) stream.on('data', (c) => onBytes(c.length));
    const res = await this.request(this.url(ref), {
      method: this.method,
      headers: { 'content-type': 'application/octet-stream' },
      body: Readable.toWeb(stream) as ReadableStream<Uint8Array>,
      duplex: 'half',
    });
    await res.body?.cancel();
    if (!res.ok) this.refuse(res, `uploading ${ref.oid}`);
  }

  /**
   * Downloads an object from byte `from` on (resume), yielding its bytes. Returns `resumed`
   * false when the server ignored the range (the caller must start over).
   */
  async download(
    ref: ObjectRef,
    from = 0,
  ): Promise<{ resumed: boolean; body: AsyncIterable<Uint8Array>; length?: number }> {
    const res = await this.request(this.url(ref), {
      method: 'GET',
      headers: from > 0 ? { range: `bytes=${from}-` } : {},
    });
    if (res.status === 416 && from > 0) {
      await res.body?.cancel();
      return this.download(ref, 0);
    }
    if (res.status === 404) {
      await res.body?.cancel();
      throw new CliError('missing_cache', `the remote has no object ${ref.oid}`);
    }
    if (!res.ok || !res.body) this.refuse(res, `downloading ${ref.oid}`);
    const len = Number(res.headers.get('content-length'));
    const out: { resumed: boolean; body: AsyncIterable<Uint8Array>; length?: number } = {
      resumed: res.status === 206,
      body: res.body as unknown as AsyncIterable<Uint8Array>,
    };
    if (Number.isFinite(len) && res.headers.has('content-length')) out.length = len;
    return out;
  }
}

/** Runs `fn` over `items`, at most `limit` at once; the first failure rejects (after the others settle). */
export async function forEachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length && failure === undefined) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (e) {
        failure ??= e;
      }
    }
  });
  await Promise.all(lanes);
  if (failure !== undefined) throw failure;
}
