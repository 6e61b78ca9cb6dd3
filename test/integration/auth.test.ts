import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Accounts over the JSON API: app sign-in, tokens shown once and revocable, users, bad input. */
const TOKEN = 'cairn_test_admin_token_auth_0001';

let server: TestServer;
const logs: string[] = [];
const realWrite = process.stdout.write.bind(process.stdout);
beforeAll(async () => {
  // Capture the server's JSON log lines (it logs to stdout) to check no secret reaches them.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && chunk.startsWith('{')) logs.push(chunk);
    return (realWrite as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  server = await startTestServer({
    CAIRN_ADMIN_PASSWORD: 'admin-password-auth',
    CAIRN_ADMIN_TOKEN: TOKEN,
    CAIRN_LOG: 'debug',
  });
});
afterAll(() => {
  process.stdout.write = realWrite;
});
afterAll(() => server?.stop());

async function api(method: string, p: string, body?: unknown, token: string | null = TOKEN) {
  const res = await fetch(`${server.url}/api/v1${p}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed JSON answers
  const json = text ? (JSON.parse(text) as Record<string, any>) : null;
  return { status: res.status, body: json, headers: res.headers };
}

describe('accounts API', () => {
  it('signs the admin in with the configured password and knows who is calling', async () => {
    const s = await api('POST', '/session', { username: 'admin', password: 'admin-password-auth' }, null);
    expect(s.status).toBe(201);
    expect(s.body?.token).toMatch(/^cairn_/);
    const me = await api('GET', '/user', undefined, s.body?.token);
    expect(me.body).toMatchObject({ username: 'admin', isAdmin: true });
    expect((await api('DELETE', '/session', undefined, s.body?.token)).status).toBe(204);
    expect((await api('GET', '/user', undefined, s.body?.token)).status).toBe(401);
  });

  it('refuses a wrong password and calls without a token, with JSON errors and no Basic prompt', async () => {
    const bad = await api('POST', '/session', { username: 'admin', password: 'nope-nope-nope' }, null);
    expect(bad.status).toBe(401);
    expect(bad.body?.error.code).toBe('invalid_credentials');
    const anon = await api('GET', '/user', undefined, null);
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toBeNull();
    expect((await api('GET', '/user', undefined, 'cairn_not_a_real_token')).status).toBe(401);
  });

  it('creates a user, whose token is shown once, listed without its secret, and stops working when revoked', async () => {
    expect((await api('POST', '/users', { username: 'dana', password: 'dana-password' })).status).toBe(201);
    const session = (await api('POST', '/session', { username: 'dana', password: 'dana-password' }, null)).body?.token;
    const created = await api('POST', '/user/tokens', { name: 'ci' }, session);
    expect(created.status).toBe(201);
    const token = created.body?.token as string;
    expect((await api('GET', '/user', undefined, token)).body?.username).toBe('dana');
    const list = await api('GET', '/user/tokens', undefined, token);
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(list.body?.tokens.map((t: { name: string }) => t.name)).toContain('ci');
    expect((await api('DELETE', `/user/tokens/${created.body?.id}`, undefined, session)).status).toBe(204);
    expect((await api('GET', '/user', undefined, token)).status).toBe(401);
  });

  it('lets only admins create users, and checks names and passwords', async () => {
    const s = (await api('POST', '/session', { username: 'dana', password: 'dana-password' }, null)).body?.token;
    expect((await api('POST', '/users', { username: 'eve', password: 'eve-password' }, s)).status).toBe(403);
    for (const username of ['..', 'a/b', 'api', 'x'.repeat(1000), 'ädmin']) {
      const r = await api('POST', '/users', { username, password: 'long-enough' });
      expect(r.status).toBe(400);
      expect(r.body?.error.code).toBe('invalid_name');
    }
    expect((await api('POST', '/users', { username: 'frank', password: 'short' })).status).toBe(400);
    expect((await api('POST', '/users', { username: 'dana', password: 'dana-password' })).status).toBe(409);
  });

  it('answers malformed JSON, wrong types, wrong methods and unknown paths with clear errors', async () => {
    const malformed = await api('POST', '/repos', '{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body?.error.code).toBe('malformed_json');
    expect((await api('POST', '/repos', '[1,2]')).body?.error.code).toBe('bad_request');
    expect((await api('POST', '/repos', { name: 42 })).status).toBe(400);
    const wrong = await api('PUT', '/repos');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('POST');
    expect((await api('GET', '/nothing-here')).status).toBe(404);
    const big = await api('POST', '/repos', { name: 'x', pad: 'p'.repeat(100_000) });
    expect(big.status).toBe(413);
  });

  it('logs every request as JSON but never a token or password', async () => {
    await api('GET', `/user?token=${TOKEN}`, undefined, null);
    const text = logs.join('');
    expect(text).toContain('"msg":"request"');
    for (const secret of [
      TOKEN,
      'admin-password-auth',
      'dana-password',
      Buffer.from(`admin:${TOKEN}`).toString('base64'),
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
