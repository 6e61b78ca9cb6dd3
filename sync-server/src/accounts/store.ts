import { isUniqueViolation, type SqlDatabase } from '../db/sql.ts';
import { HttpError } from '../http/http-error.ts';
import { isValidUsername } from './names.ts';
import { hashPassword } from './passwords.ts';
import { hashToken, newToken } from './tokens.ts';

/**
 * Users, personal access tokens and app sessions, in SQLite or PostgreSQL (db/sql.ts). The only
 * module that writes these tables.
 */

export interface UserRecord {
  id: number;
  username: string;
  isAdmin: boolean;
  passwordHash: string | null;
  createdAt: number;
}

export interface TokenInfo {
  id: number;
  name: string;
  kind: 'token' | 'session';
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
}

interface UserRow {
  id: number;
  username: string;
  is_admin: number;
  password_hash: string | null;
  created_at: number;
}

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  isAdmin: r.is_admin === 1,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
});

/** A token's use, as access.ts needs it to audit tokens (auth/access.ts). */
export interface TokenUse {
  user: UserRecord;
  token: { id: number; name: string; kind: 'token' | 'session' };
  /** When the token was last recorded as used before this call (ms), or null. */
  previousUse: number | null;
}

/** How stale `last_used_at` may get before a use writes it again. */
const TOUCH_EVERY_MS = 60 * 1000;

/** Sessions of the app last 30 days; personal access tokens until revoked. */
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

const USER_BY_NAME = 'SELECT * FROM users WHERE username = ?';
const USER_BY_ID = 'SELECT * FROM users WHERE id = ?';
const TOKEN_LOOKUP = `SELECT t.id AS token_id, t.name AS token_name, t.kind AS token_kind, t.expires_at, t.revoked_at,
        t.last_used_at, u.* FROM access_tokens t JOIN users u ON u.id = t.user_id
 WHERE t.token_hash = ?`;

/** The accounts tables' store; `await migrateAccounts(sql)` (schema.ts) must have run first. */
export function makeAccountStore(sql: SqlDatabase) {
  const getUser = async (id: number): Promise<UserRecord | null> => {
    const r = await sql.get<UserRow>(USER_BY_ID, [id]);
    return r ? toUser(r) : null;
  };

  return {
    async countUsers(): Promise<number> {
      return ((await sql.get<{ n: number }>('SELECT count(*) AS n FROM users')) as { n: number }).n;
    },
    async findUser(username: string): Promise<UserRecord | null> {
      const r = await sql.get<UserRow>(USER_BY_NAME, [username]);
      return r ? toUser(r) : null;
    },
    getUser,
    async listUsers(): Promise<UserRecord[]> {
      return (await sql.all<UserRow>('SELECT * FROM users ORDER BY username')).map(toUser);
    },
    /** Creates a user; `password` null makes an account that owns repositories but cannot sign in. */
    async createUser(username: string, password: string | null, isAdmin = false): Promise<UserRecord> {
      if (!isValidUsername(username)) {
        throw new HttpError(
          'invalid_name',
          400,
          `The user name ${JSON.stringify(username.slice(0, 80))} is not allowed: use 1–39 letters, digits, '_' or '-'.`,
        );
      }
      if (password !== null && password.length < 8) {
        throw new HttpError('bad_request', 400, 'A password needs at least 8 characters.');
      }
      const taken = () => new HttpError('name_taken', 409, `The user ${username} already exists.`);
      if (await sql.get(USER_BY_NAME, [username])) throw taken();
      const hash = password === null ? null : hashPassword(password);
      // Someone may take the name between the check and the insert (another request, another process).
      const row = await sql
        .get<UserRow>(
          'INSERT INTO users (username, password_hash, is_admin, created_at) VALUES (?, ?, ?, ?) RETURNING *',
          [username, hash, isAdmin ? 1 : 0, Date.now()],
        )
        .catch((err: unknown) => {
          throw isUniqueViolation(err) ? taken() : err;
        });
      return toUser(row as UserRow);
    },
    async setPassword(userId: number, password: string): Promise<void> {
      if (password.length < 8) throw new HttpError('bad_request', 400, 'A password needs at least 8 characters.');
      await sql.run('UPDATE users SET password_hash = ? WHERE id = ?', [hashPassword(password), userId]);
    },
    /**
     * Issues a token (or a session for the app) and returns its secret, which is never stored:
     * the caller shows it once. `secret` lets an operator choose it (CAIRN_ADMIN_TOKEN).
     */
    async issueToken(
      userId: number,
      name: string,
      kind: 'token' | 'session' = 'token',
      secret: string = newToken(),
    ): Promise<{ token: string; info: TokenInfo }> {
      const now = Date.now();
      const expires = kind === 'session' ? now + SESSION_TTL_MS : null;
      const r = await sql.get<{ id: number }>(
        'INSERT INTO access_tokens (user_id, name, token_hash, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
        [userId, name.slice(0, 100), hashToken(secret), kind, now, expires],
      );
      return {
        token: secret,
        info: { id: (r as { id: number }).id, name, kind, createdAt: now, expiresAt: expires, lastUsedAt: null },
      };
    },
    /** The user a live (unrevoked, unexpired) token belongs to, or null. */
    async userForToken(token: string): Promise<UserRecord | null> {
      return (await this.tokenUse(token))?.user ?? null;
    },
    /**
     * The user a live token names, with the token and when it was used before this call (null:
     * never). `last_used_at` is written at most once a minute per token: a durable write on every
     * git or DVC request would cost an fsync each.
     */
    async tokenUse(token: string): Promise<TokenUse | null> {
      const r = await sql.get<
        UserRow & {
          token_id: number;
          token_name: string;
          token_kind: 'token' | 'session';
          expires_at: number | null;
          revoked_at: number | null;
          last_used_at: number | null;
        }
      >(TOKEN_LOOKUP, [hashToken(token)]);
      if (!r || r.revoked_at !== null) return null;
      const now = Date.now();
      if (r.expires_at !== null && r.expires_at <= now) return null;
      if (r.last_used_at === null || now - r.last_used_at >= TOUCH_EVERY_MS) {
        await sql.run('UPDATE access_tokens SET last_used_at = ? WHERE id = ?', [now, r.token_id]);
      }
      return {
        user: toUser(r),
        token: { id: r.token_id, name: r.token_name, kind: r.token_kind },
        previousUse: r.last_used_at,
      };
    },
    async listTokens(userId: number): Promise<TokenInfo[]> {
      const rows = await sql.all<{
        id: number;
        name: string;
        kind: 'token' | 'session';
        created_at: number;
        expires_at: number | null;
        last_used_at: number | null;
      }>(
        `SELECT id, name, kind, created_at, expires_at, last_used_at FROM access_tokens
         WHERE user_id = ? AND revoked_at IS NULL AND kind = 'token' ORDER BY id`,
        [userId],
      );
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        kind: r.kind,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
        lastUsedAt: r.last_used_at,
      }));
    },
    /** Revokes one of the user's tokens; false when it is not theirs or already revoked. */
    async revokeToken(userId: number, tokenId: number): Promise<boolean> {
      const r = await sql.run(
        'UPDATE access_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL',
        [Date.now(), tokenId, userId],
      );
      return r.changes === 1;
    },
    /** Ends an app session given its secret (sign-out). */
    async revokeSecret(token: string): Promise<void> {
      await sql.run('UPDATE access_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL', [
        Date.now(),
        hashToken(token),
      ]);
    },
  };
}

export type AccountStore = ReturnType<typeof makeAccountStore>;
