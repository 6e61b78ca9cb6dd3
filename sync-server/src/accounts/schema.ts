import type { Db } from '../db/database.ts';
import { migrate } from '../db/database.ts';

/**
 * The `accounts` feature's tables: users, personal access tokens, app sign-in sessions,
 * repositories and their collaborators. They live together because every authorisation
 * decision joins them. Append new migrations; never edit shipped ones.
 */
const MIGRATIONS = [
  `CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    -- scrypt$N$r$p$salt$hash (base64url); NULL for accounts that cannot sign in with a password
    password_hash TEXT,
    is_admin INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE access_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- sha256 of the token: tokens are 256-bit random, so a fast hash is enough and lookups are O(1)
    token_hash TEXT NOT NULL UNIQUE,
    -- 'token' (personal access token) or 'session' (app sign-in)
    kind TEXT NOT NULL CHECK (kind IN ('token', 'session')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    last_used_at INTEGER,
    revoked_at INTEGER
  );
  CREATE INDEX access_tokens_user ON access_tokens(user_id);
  CREATE TABLE repositories (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL COLLATE NOCASE,
    is_private INTEGER NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    UNIQUE (owner_id, name)
  );
  CREATE TABLE collaborators (
    repo_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    permission TEXT NOT NULL CHECK (permission IN ('read', 'write', 'admin')),
    PRIMARY KEY (repo_id, user_id)
  );
  CREATE TABLE repo_imports (
    repo_id INTEGER PRIMARY KEY REFERENCES repositories(id) ON DELETE CASCADE,
    source_url TEXT NOT NULL,
    -- 'migrate' (copied once) or 'connect' (kept in step on an interval)
    mode TEXT NOT NULL CHECK (mode IN ('migrate', 'connect')),
    state TEXT NOT NULL CHECK (state IN ('pending', 'syncing', 'ok', 'failed')),
    last_sync_at INTEGER,
    last_error TEXT
  );
  CREATE TABLE dvc_objects (
    repo_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    -- 32 lowercase hex, plus '.dir' for directory manifests
    oid TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (repo_id, oid)
  ) WITHOUT ROWID;`,
];

const migrated = new WeakSet<Db>();

/** Creates or upgrades the accounts tables (idempotent; cheap after the first call per db). */
export function migrateAccounts(db: Db): void {
  if (migrated.has(db)) return;
  migrate(db, 'accounts', MIGRATIONS);
  migrated.add(db);
}
