import type { ServerContext } from '../context.ts';
import { type Db, migrate } from '../db/database.ts';

/**
 * The audit log: who signed in (or failed to), who made or revoked tokens, changed permissions,
 * made users or repositories, or deleted something, from which address, when. Append-only rows
 * in SQLite (so they are in every backup), read by site admins through
 * `GET /api/v1/admin/audit`. Never holds a secret: no passwords, no tokens, no query strings.
 */
const MIGRATIONS = [
  `CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    action TEXT NOT NULL,
    -- the account acting ('' when unknown, e.g. a failed sign-in names only what was tried)
    actor TEXT NOT NULL,
    -- what was acted on: a repository, a user, a token id, a path
    target TEXT NOT NULL,
    address TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX audit_log_action ON audit_log(action, id);`,
];

export interface AuditEvent {
  action: string;
  actor: string;
  target: string;
  address: string;
  detail?: Record<string, unknown>;
}

export interface AuditRow extends Required<AuditEvent> {
  id: number;
  at: string;
}

export function makeAuditLog(db: Db) {
  migrate(db, 'audit', MIGRATIONS);
  const insert = db.prepare(
    'INSERT INTO audit_log (at, action, actor, target, address, detail) VALUES (?, ?, ?, ?, ?, ?)',
  );
  return {
    record(e: AuditEvent): void {
      insert.run(
        Date.now(),
        e.action,
        e.actor.slice(0, 200),
        e.target.slice(0, 500),
        e.address,
        JSON.stringify(e.detail ?? {}),
      );
    },
    /** Newest first; `before` (an id) pages back; `action` filters. */
    list(opts: { limit: number; before?: number; action?: string }): AuditRow[] {
      const rows = db
        .prepare(`SELECT * FROM audit_log WHERE id < ? ${opts.action ? 'AND action = ?' : ''} ORDER BY id DESC LIMIT ?`)
        .all(...[opts.before ?? Number.MAX_SAFE_INTEGER, ...(opts.action ? [opts.action] : []), opts.limit]) as Array<{
        id: number;
        at: number;
        action: string;
        actor: string;
        target: string;
        address: string;
        detail: string;
      }>;
      return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString(), detail: JSON.parse(r.detail) }));
    },
  };
}

export type AuditLog = ReturnType<typeof makeAuditLog>;

const memo = new WeakMap<ServerContext, AuditLog>();

export function getAuditLog(ctx: ServerContext): AuditLog {
  let log = memo.get(ctx);
  if (!log) {
    log = makeAuditLog(ctx.db);
    memo.set(ctx, log);
  }
  return log;
}
