import path from 'node:path';
import type { ServerConfig } from './config.ts';
import { type Db, openDatabase } from './db/database.ts';
import type { Logger } from './log.ts';

/**
 * What every server feature receives when it is mounted: configuration, logger and the
 * database. Features build their own stores on top (see each feature's `store.ts`).
 */
export interface ServerContext {
  config: ServerConfig;
  log: Logger;
  db: Db;
}

export function makeContext(config: ServerConfig, log: Logger): ServerContext {
  return { config, log, db: openDatabase(path.join(config.dataDir, 'cairn.db')) };
}
