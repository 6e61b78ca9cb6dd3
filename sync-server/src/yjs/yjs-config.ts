import { YjsConfigError } from './errors.ts';

/**
 * Limits and timings of the Yjs relay, from environment variables (documented in the README).
 * Every resource a client can make the server hold is bounded here.
 */
export interface YjsConfig {
  /** Largest WebSocket message accepted; a bigger one closes that socket with 1009. */
  maxPayloadBytes: number;
  /** Origins allowed besides the server's own (e.g. a proxy's public origin). */
  allowedOrigins: ReadonlySet<string>;
  /** How long a document with no clients stays in memory before it is unloaded. */
  idleUnloadMs: number;
  /** Stored updates of one document past which they are merged into one snapshot. */
  compactAfterUpdates: number;
  /** Messages one socket may send per second (burst twice that); past it the socket closes. */
  maxMessagesPerSecond: number;
  /** Largest total awareness state one client may publish. */
  maxAwarenessBytes: number;
  /** Sockets one user (or one address, when signed out) may hold open at once. */
  maxSocketsPerUser: number;
  /** How often an open socket's rights are checked again (revoked tokens, removed collaborators). */
  recheckAccessMs: number;
}

export const DEFAULT_YJS_CONFIG: YjsConfig = {
  maxPayloadBytes: 1024 * 1024,
  allowedOrigins: new Set(),
  idleUnloadMs: 30_000,
  compactAfterUpdates: 500,
  maxMessagesPerSecond: 200,
  maxAwarenessBytes: 64 * 1024,
  maxSocketsPerUser: 100,
  recheckAccessMs: 60_000,
};

/**
 * `CAIRN_YJS_MAX_PAYLOAD` (bytes, default 1 MiB), `CAIRN_YJS_ALLOWED_ORIGINS` (comma-separated
 * origins such as `https://cairn.example.org`), `CAIRN_YJS_IDLE_MS` (default 30000),
 * `CAIRN_YJS_COMPACT_AFTER` (default 500 updates), `CAIRN_YJS_MAX_MESSAGES_PER_SECOND`
 * (default 200), `CAIRN_YJS_MAX_SOCKETS_PER_USER` (default 100), `CAIRN_YJS_RECHECK_MS` (default
 * 60000).
 */
export function yjsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): YjsConfig {
  return {
    maxPayloadBytes: intVar(env, 'CAIRN_YJS_MAX_PAYLOAD', DEFAULT_YJS_CONFIG.maxPayloadBytes, 1024, 64 * 1024 * 1024),
    allowedOrigins: new Set([
      ...originsVar(env, 'CAIRN_ALLOWED_ORIGINS'),
      ...originsVar(env, 'CAIRN_YJS_ALLOWED_ORIGINS'),
    ]),
    idleUnloadMs: intVar(env, 'CAIRN_YJS_IDLE_MS', DEFAULT_YJS_CONFIG.idleUnloadMs, 0, 24 * 3600_000),
    compactAfterUpdates: intVar(env, 'CAIRN_YJS_COMPACT_AFTER', DEFAULT_YJS_CONFIG.compactAfterUpdates, 2, 1_000_000),
    maxMessagesPerSecond: intVar(
      env,
      'CAIRN_YJS_MAX_MESSAGES_PER_SECOND',
      DEFAULT_YJS_CONFIG.maxMessagesPerSecond,
      1,
      1_000_000,
    ),
    maxAwarenessBytes: DEFAULT_YJS_CONFIG.maxAwarenessBytes,
    recheckAccessMs: intVar(env, 'CAIRN_YJS_RECHECK_MS', DEFAULT_YJS_CONFIG.recheckAccessMs, 100, 24 * 3600_000),
    maxSocketsPerUser: intVar(
      env,
      'CAIRN_YJS_MAX_SOCKETS_PER_USER',
      DEFAULT_YJS_CONFIG.maxSocketsPerUser,
      1,
      1_000_000,
    ),
  };
}

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new YjsConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}.`, {
      variable: name,
      value: raw,
    });
  }
  return n;
}

function originsVar(env: NodeJS.ProcessEnv, name: string): ReadonlySet<string> {
  const raw = env[name];
  if (!raw) return new Set();
  const origins = new Set<string>();
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    let origin: string;
    try {
      origin = new URL(item).origin;
    } catch {
      origin = 'null';
    }
    if (origin === 'null') {
      throw new YjsConfigError(`${name} must list origins like https://example.org, got ${JSON.stringify(item)}.`, {
        variable: name,
        value: raw,
      });
    }
    origins.add(origin);
  }
  return origins;
}
