import fs from 'node:fs';
import path from 'node:path';
import { CairnError } from '@cairn/core/errors';
import type { DatabaseConfig } from '../config.ts';

/**
 * `DATA/database.json`, present while the data folder's tables live in PostgreSQL (written at
 * start by context.ts and by `cairn-server migrate`). The operator commands (ops/: fsck, gc,
 * backup) read `DATA/cairn.db` and refuse to run with it, rather than find no repositories there
 * and report the store healthy — or collect every object as unreferenced. The server refuses to
 * start on SQLite with it (DatabaseMovedError) instead of serving `cairn.db` as it was before the
 * move: only an operator removes it, on purpose. It names the server, port and database only:
 * never the user or password.
 */
export function databaseMarkerOf(dataDir: string): string {
  return path.join(dataDir, 'database.json');
}

export function recordDatabasePlace(dataDir: string, config: DatabaseConfig): void {
  const marker = databaseMarkerOf(dataDir);
  if (config.kind === 'sqlite') {
    if (fs.existsSync(marker)) throw new DatabaseMovedError(marker, describeDatabaseMarker(marker));
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

/** The server was started on SQLite in a data folder whose tables live in PostgreSQL. */
export class DatabaseMovedError extends CairnError<'database_moved', { marker: string; where: string }> {
  constructor(marker: string, where: string) {
    super(
      'database_moved',
      `This data folder's tables are in ${where} (see ${marker}), but CAIRN_DATABASE_URL is not set: on SQLite the server would serve ${path.join(path.dirname(marker), 'cairn.db')} as it was before they moved there. ` +
        `Set CAIRN_DATABASE_URL to that database (postgres://USER:PASSWORD@HOST:PORT/DB) to start. To go back to SQLite on purpose — without what was written to PostgreSQL since — remove ${marker}.`,
      { marker, where },
    );
    this.name = 'DatabaseMovedError';
  }
}

/** `PostgreSQL (HOST:PORT/DB)` as the marker names it, or `PostgreSQL` when it cannot be read. */
export function describeDatabaseMarker(marker: string): string {
  try {
    const m = JSON.parse(fs.readFileSync(marker, 'utf8')) as { host?: string; port?: string; database?: string };
    return `PostgreSQL (${m.host}:${m.port}/${m.database})`;
  } catch {
    return 'PostgreSQL';
  }
}
