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
  /**
   * The environment this configuration was read from. Features read their own settings from
   * it (CAIRN_ADMIN_*, CAIRN_YJS_*, CAIRN_DEMO…), never from process.env directly, so a test
   * server's settings are exactly what the test passed.
   */
  env: Readonly<Record<string, string | undefined>>;
}

export type LogLevel = 'silent' | 'error' | 'info' | 'debug';

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
  constructor(data: { variable: string; value: string }) {
    super('bad_setting', `${data.variable} has a value the server cannot use: ${JSON.stringify(data.value)}`, data);
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
