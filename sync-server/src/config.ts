import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
