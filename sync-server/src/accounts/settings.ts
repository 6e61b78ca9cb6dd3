/**
 * Settings of accounts, git, imports and the DVC remote, from environment variables
 * (documented in README). Every resource a client can make the server hold is bounded here.
 */
import { CairnError } from '@cairn/core/errors';
export interface AccountSettings {
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

export function accountSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): AccountSettings {
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
