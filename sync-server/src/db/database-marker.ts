import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseConfig } from '../config.ts';

/**
 * `DATA/database.json`, present while the data folder's tables live in PostgreSQL (written at
 * start by context.ts, removed when the server starts on SQLite again). The operator commands
 * (ops/: fsck, gc, backup) read `DATA/cairn.db` and refuse to run with it, rather than find no
 * repositories there and report the store healthy — or collect every object as unreferenced.
 * It names the server, port and database only: never the user or password.
 */
export function databaseMarkerOf(dataDir: string): string {
  return path.join(dataDir, 'database.json');
}

export function recordDatabasePlace(dataDir: string, config: DatabaseConfig): void {
  const marker = databaseMarkerOf(dataDir);
  if (config.kind === 'sqlite') {
    fs.rmSync(marker, { force: true });
    return;
  }
  const url = new URL(config.url);
  const where = { kind: 'postgres', host: url.hostname, port: url.port || '5432', database: url.pathname.slice(1) };
  // Written whole or not at all: a half-written marker would read as no marker.
  const temp = `${marker}.${process.pid}.tmp`;
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(temp, `${JSON.stringify(where, null, 2)}\n`);
  fs.renameSync(temp, marker);
}
