import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The audit log as a site admin reads it: sign-ins and failed ones, failed git passwords, tokens
 * made and revoked, users and repositories made, permissions granted and removed — each with its
 * account and address, newest first, paged; no secret in it; nobody but admins can read it.
 */
const TOKEN = 'cairn_test_admin_token_audit_001';
const ENV = { CAIRN_ADMIN_PASSWORD: 'admin-password-audit', CAIRN_ADMIN_TOKEN: TOKEN };
const BOB_PASSWORD = 'bob-password-audit';

let server: TestServer;

async function api(method: string, p: string, body?: unknown, auth: string | null = `Bearer ${TOKEN}`) {
  const res = await fetch(`${server.url}${p}`, {
    method,
    headers: { ...(auth ? { Authorization: auth } : {}), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, text };
}

interface Event {
  id: number;
  action: string;
  actor: string;
  target: string;
  address: string;
}

beforeAll(async () => {
  server = await startTestServer(ENV);
});
afterAll(() => server?.stop());

describe('audit log', () => {
  it('records sign-ins, tokens, users, repositories and permissions, and only admins read it', async () => {
    expect((await api('POST', '/api/v1/users', { username: 'bob', password: BOB_PASSWORD })).status).toBe(201);
    expect((await api('POST', '/api/v1/repos', { name: 'lab', private: true })).status).toBe(201);
    expect((await api('PUT', '/api/v1/repos/admin/lab/collaborators/bob', { permission: 'write' })).status).toBe(200);
    expect((await api('POST', '/api/v1/session', { username: 'bob', password: 'wrong-guess' }, null)).status).toBe(401);
    const session = await api('POST', '/api/v1/session', { username: 'bob', password: BOB_PASSWORD }, null);
    expect(session.status).toBe(201);
    const bob = `Bearer ${session.json.token}`;
    const made = await api('POST', '/api/v1/user/tokens', { name: 'laptop' }, bob);
    expect(made.status).toBe(201);
    expect((await api('DELETE', `/api/v1/user/tokens/${made.json.id}`, undefined, bob)).status).toBe(204);
    const gitTry = await fetch(`${server.url}/admin/lab.git/info/refs?service=git-upload-pack`, {
      headers: { Authorization: `Basic ${Buffer.from('bob:not-my-password').toString('base64')}` },
    });
    expect(gitTry.status).toBe(401);
    expect((await api('DELETE', '/api/v1/repos/admin/lab/collaborators/bob')).status).toBe(204);
    // A refused change is not a change.
    expect((await api('PUT', '/api/v1/repos/admin/lab/collaborators/bob', { permission: 'admin' }, bob)).status).toBe(
      404,
    );

    const log = await api('GET', '/api/v1/admin/audit');
    expect(log.status).toBe(200);
    const events = log.json.events as Event[];
    expect(events.map((e) => [e.action, e.actor, e.target])).toEqual([
      ['permission_removed', 'admin', 'repos/admin/lab/collaborators/bob'],
      ['password_failed', 'bob', '/admin/lab.git/info/refs'],
      ['token_revoked', 'bob', `user/tokens/${made.json.id}`],
      ['token_created', 'bob', 'user/tokens'],
      ['sign_in', 'bob', 'session'],
      ['sign_in_failed', 'bob', 'session'],
      ['permission_granted', 'admin', 'repos/admin/lab/collaborators/bob'],
      ['repo_created', 'admin', 'repos'],
      ['user_created', 'admin', 'users'],
      // The operator's token, first used by the call that made bob.
      ['token_used', 'admin', '/api/v1/users'],
    ]);
    for (const e of events) expect(e.address).toMatch(/127\.0\.0\.1/);
    // No secret ever lands in it.
    for (const secret of [BOB_PASSWORD, 'wrong-guess', 'not-my-password', session.json.token, made.json.token, TOKEN]) {
      expect(log.text).not.toContain(secret);
    }

    // Paged, newest first.
    const page1 = await api('GET', '/api/v1/admin/audit?limit=4');
    expect((page1.json.events as Event[]).map((e) => e.action)).toEqual(events.slice(0, 4).map((e) => e.action));
    const page2 = await api('GET', `/api/v1/admin/audit?limit=4&before=${page1.json.next}`);
    expect((page2.json.events as Event[]).map((e) => e.action)).toEqual(events.slice(4, 8).map((e) => e.action));
    const filtered = await api('GET', '/api/v1/admin/audit?action=sign_in');
    expect((filtered.json.events as Event[]).map((e) => e.actor)).toEqual(['bob']);

    // Only site admins.
    expect((await api('GET', '/api/v1/admin/audit', undefined, bob)).status).toBe(403);
    expect((await api('GET', '/api/v1/admin/audit', undefined, null)).status).toBe(401);
  });

  it('records when a personal token is used, with its name, address and path, once rather than per request', async () => {
    const session = await api('POST', '/api/v1/session', { username: 'bob', password: BOB_PASSWORD }, null);
    const made = await api('POST', '/api/v1/user/tokens', { name: 'ci-runner' }, `Bearer ${session.json.token}`);
    expect(made.status).toBe(201);
    expect(
      (await api('POST', '/api/v1/repos', { name: 'notes', private: false }, `Bearer ${made.json.token}`)).status,
    ).toBe(201);
    // As git and DVC send it: Basic with the token as the password, three requests in a row.
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/bob/notes.git/info/refs?service=git-upload-pack`, {
        headers: { Authorization: `Basic ${Buffer.from(`bob:${made.json.token}`).toString('base64')}` },
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const log = await api('GET', '/api/v1/admin/audit?action=token_used');
    const uses = (log.json.events as Array<Event & { detail: { token: string } }>).filter((e) => e.actor === 'bob');
    expect(uses.map((e) => [e.target, e.detail.token])).toEqual([['/api/v1/repos', 'ci-runner']]);
    expect(uses[0]?.address).toMatch(/127\.0\.0\.1/);
    expect(log.text).not.toContain(made.json.token);
  });
});
