import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CairnError } from '@cairn/core/errors';

/** Everything the server can be told, all from environment variables (documented in README). */
export interface ServerConfig {
  host: string;
  port: number;
  /** Folder holding all state: database, repositories, blobs. */
  dataDir: string;
  /** Folder of the built PWA (vite's output). */
  appDir: string;
  /** Log level: silent, error, info or debug. */
  logLevel: LogLevel;
  /** Where the tables live: SQLite in the data folder (default) or PostgreSQL (CAIRN_DATABASE_URL). */
  database: DatabaseConfig;
  /** Where DVC objects live: the data folder (default) or an S3-compatible bucket (CAIRN_BLOBS). */
  blobs: BlobsConfig;
  /**
   * The environment this configuration was read from. Features read their own settings from
   * it (CAIRN_ADMIN_*, CAIRN_YJS_*, CAIRN_DEMO…), never from process.env directly, so a test
   * server's settings are exactly what the test passed.
   */
  env: Readonly<Record<string, string | undefined>>;
}

export type LogLevel = 'silent' | 'error' | 'info' | 'debug';

/** The database: `DATA/cairn.db` (SQLite), or a PostgreSQL server's `postgres://…` URL. */
export type DatabaseConfig = { kind: 'sqlite' } | { kind: 'postgres'; url: string };

/**
 * CAIRN_DATABASE_URL: unset for SQLite; `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?…]`
 * (or `postgresql://`) for PostgreSQL. Checked here so a typo stops the start with its variable
 * named; the password never appears in the error.
 */
export function databaseFromEnv(env: NodeJS.ProcessEnv): DatabaseConfig {
  const raw = env.CAIRN_DATABASE_URL;
  if (raw === undefined || raw === '') return { kind: 'sqlite' };
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {}
  if (
    !url ||
    !['postgres:', 'postgresql:'].includes(url.protocol) ||
    (!url.hostname && !url.searchParams.has('host'))
  ) {
    if (url) url.password = url.password ? '***' : '';
    throw new SettingsError(
      { variable: 'CAIRN_DATABASE_URL', value: url ? url.href : '(not a URL)' },
      'expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE',
    );
  }
  return { kind: 'postgres', url: raw };
}

/** The blob store's place: `DATA/blobs` on disk, or a bucket and key prefix of an S3-compatible store. */
export type BlobsConfig =
  | { kind: 'disk' }
  | {
      kind: 's3';
      bucket: string;
      /** Key prefix without leading or trailing slash ('' for the bucket's root). */
      prefix: string;
      /** A non-AWS endpoint (radosgw, MinIO…), addressed path-style; null for AWS itself. */
      endpoint: string | null;
      region: string;
      /** From AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN); null: the SDK's own chain (profiles, instance roles). */
      credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | null;
      /** Part buffers this process's uploads to the bucket may hold at once (CAIRN_S3_UPLOAD_MEMORY_MB, upload-memory.ts). */
      uploadMemoryBytes: number;
    };

/** 1 GiB: 64 uploads with one 16 MiB part buffer each, or 16 at full speed (four each). */
const DEFAULT_S3_UPLOAD_MEMORY = 1024 * 1024 * 1024;

// S3's bucket naming rules (3–63 lowercase letters, digits, dots and hyphens).
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX_SEGMENT = /^[A-Za-z0-9_.-]+$/;

/**
 * CAIRN_BLOBS (`s3://BUCKET/PREFIX`, unset for the disk store), CAIRN_S3_ENDPOINT and the AWS SDK's
 * usual AWS_REGION / AWS_DEFAULT_REGION / AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, read from
 * `env` (never process.env: a test server's store is what its test passed).
 */
export function blobsFromEnv(env: NodeJS.ProcessEnv): BlobsConfig {
  const raw = env.CAIRN_BLOBS;
  if (raw === undefined || raw === '') {
    if (env.CAIRN_S3_ENDPOINT)
      throw new SettingsError({ variable: 'CAIRN_S3_ENDPOINT', value: '(set without CAIRN_BLOBS=s3://…)' });
    return { kind: 'disk' };
  }
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(raw);
  if (!m)
    throw new SettingsError({ variable: 'CAIRN_BLOBS', value: raw }, 'expected s3://BUCKET or s3://BUCKET/PREFIX');
  const bucket = m[1] as string;
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    throw new SettingsError(
      { variable: 'CAIRN_BLOBS', value: raw },
      `${JSON.stringify(bucket)} is not a valid bucket name`,
    );
  }
  const prefix = (m[2] ?? '').replace(/\/+$/, '');
  if (prefix !== '' && prefix.split('/').some((seg) => !PREFIX_SEGMENT.test(seg) || seg === '.' || seg === '..')) {
    throw new SettingsError(
      { variable: 'CAIRN_BLOBS', value: raw },
      'the prefix must be folder names of letters, digits, `.`, `_` and `-` separated by single slashes',
    );
  }
  let endpoint: string | null = null;
  if (env.CAIRN_S3_ENDPOINT) {
    let url: URL | null = null;
    try {
      url = new URL(env.CAIRN_S3_ENDPOINT);
    } catch {}
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search || url.username) {
      throw new SettingsError(
        { variable: 'CAIRN_S3_ENDPOINT', value: env.CAIRN_S3_ENDPOINT },
        'expected http(s)://HOST[:PORT] with no path or credentials',
      );
    }
    endpoint = url.origin;
  }
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || (endpoint ? 'us-east-1' : '');
  if (!region) {
    throw new SettingsError({ variable: 'AWS_REGION', value: '' }, 'CAIRN_BLOBS on AWS needs AWS_REGION');
  }
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    throw new SettingsError(
      { variable: accessKeyId ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID', value: '' },
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together',
    );
  }
  const credentials =
    accessKeyId && secretAccessKey
      ? { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) }
      : null;
  // At least one 16 MiB part (the default part size), at most 1 TiB.
  const uploadMemoryBytes =
    int(env, 'CAIRN_S3_UPLOAD_MEMORY_MB', DEFAULT_S3_UPLOAD_MEMORY / 1024 ** 2, 16, 1024 ** 2) * 1024 ** 2;
  return { kind: 's3', bucket, prefix, endpoint, region, credentials, uploadMemoryBytes };
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Reads the configuration from `env`, with the embedded defaults of `npm start`. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = Number(env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(env.PORT)}`);
  }
  const level = env.CAIRN_LOG ?? 'info';
  if (!['silent', 'error', 'info', 'debug'].includes(level)) {
    throw new Error(`CAIRN_LOG must be silent, error, info or debug, got ${JSON.stringify(level)}`);
  }
  return {
    host: env.HOST ?? '127.0.0.1',
    port,
    dataDir: path.resolve(env.CAIRN_DATA ?? '.cairn'),
    appDir: path.resolve(env.CAIRN_APP_DIR ?? path.join(repoRoot, 'app/dist')),
    logLevel: level as LogLevel,
    database: databaseFromEnv(env),
    blobs: blobsFromEnv(env),
    env: { ...env },
  };
}

/**
 * The server's limits and first-admin secrets (CAIRN_MAX_*, CAIRN_IMPORT_INTERVAL,
 * CAIRN_ADMIN_*), read from the configuration's `env` once by the composition root.
 */
export interface ServerSettings {
  /** Password of the first admin (else a random one is printed once). */
  adminPassword: string | null;
  /** Access token of the first admin (else a random one is printed once). */
  adminToken: string | null;
  /** Largest single DVC object upload. */
  maxUploadBytes: number;
  /** Largest `.dir` manifest (held in memory to be validated). */
  maxManifestBytes: number;
  /** DVC uploads in progress at once; more get 503 + Retry-After. */
  maxConcurrentUploads: number;
  /** `git http-backend` processes at once; more get 503 + Retry-After. */
  maxGitProcesses: number;
  /** Seconds between syncs of repositories connected to a source URL. */
  importIntervalSeconds: number;
}

export class SettingsError extends CairnError<'bad_setting', { variable: string; value: string }> {
  constructor(data: { variable: string; value: string }, hint?: string) {
    super(
      'bad_setting',
      `${data.variable} has a value the server cannot use: ${JSON.stringify(data.value)}${hint ? ` (${hint})` : ''}`,
      data,
    );
    this.name = 'SettingsError';
  }
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): ServerSettings {
  const adminPassword = env.CAIRN_ADMIN_PASSWORD || null;
  if (adminPassword !== null && adminPassword.length < 8) {
    throw new SettingsError({ variable: 'CAIRN_ADMIN_PASSWORD', value: '(fewer than 8 characters)' });
  }
  const adminToken = env.CAIRN_ADMIN_TOKEN || null;
  if (adminToken !== null && adminToken.length < 16) {
    throw new SettingsError({ variable: 'CAIRN_ADMIN_TOKEN', value: '(fewer than 16 characters)' });
  }
  return {
    adminPassword,
    adminToken,
    maxUploadBytes: int(env, 'CAIRN_MAX_UPLOAD_BYTES', 10 * 1024 ** 3, 1, Number.MAX_SAFE_INTEGER),
    maxManifestBytes: int(env, 'CAIRN_MAX_MANIFEST_BYTES', 64 * 1024 ** 2, 1024, 1024 ** 3),
    maxConcurrentUploads: int(env, 'CAIRN_MAX_UPLOADS', 64, 1, 100_000),
    maxGitProcesses: int(env, 'CAIRN_MAX_GIT_PROCESSES', 16, 1, 10_000),
    importIntervalSeconds: int(env, 'CAIRN_IMPORT_INTERVAL', 600, 1, 365 * 24 * 3600),
  };
}

function int(env: NodeJS.ProcessEnv, variable: string, fallback: number, min: number, max: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new SettingsError({ variable, value: raw });
  return n;
}
