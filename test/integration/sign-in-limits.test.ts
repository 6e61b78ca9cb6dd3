import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';
import { sqlEngines } from '../support/sql-engines.ts';

/**
 * Password guessing (THREAT_MODEL.md #16): per-account and per-address limits with a doubling
 * lock, answered 429 with `Retry-After` on git/DVC (HTTP Basic) and on the app's sign-in, while
 * access tokens keep working. Clients come from different loopback addresses (127.0.0.x) so the
 * per-account limit is seen apart from the per-address one. On both engines; on PostgreSQL also
 * with two server processes sharing the database, whose counts add up.
 */
const TOKEN = 'cairn_test_admin_token_limits_01';
const ENV = { CAIRN_ADMIN_PASSWORD: 'admin-password-limits', CAIRN_ADMIN_TOKEN: TOKEN };

let server: TestServer;
let victimToken: string;

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

function request(
  method: string,
  p: string,
  opts: { from: string; auth?: string; json?: unknown; to?: TestServer; forwardedFor?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = opts.json === undefined ? undefined : JSON.stringify(opts.json);
    const req = http.request(
      `${(opts.to ?? server).url}${p}`,
      {
        method,
        localAddress: opts.from,
        headers: {
          ...(opts.auth ? { Authorization: opts.auth } : {}),
          ...(opts.forwardedFor ? { 'X-Forwarded-For': opts.forwardedFor } : {}),
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'] as string | undefined,
            body: text,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const gitRefs = '/admin/proj.git/info/refs?service=git-upload-pack';

describe.each(sqlEngines())('password guessing limits on $name', (engine) => {
  let serverEnv: Record<string, string>;
  beforeAll(async () => {
    serverEnv = {
      ...ENV,
      ...(await engine.serverEnv()),
      CAIRN_SIGNIN_FREE_FAILURES: '3',
      CAIRN_SIGNIN_ADDRESS_FREE_FAILURES: '6',
      CAIRN_SIGNIN_BASE_DELAY: '1',
    };
    server = await startTestServer(serverEnv);
    const api = (method: string, p: string, body: unknown) =>
      fetch(`${server.url}/api/v1${p}`, {
        method,
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await api('POST', '/repos', { name: 'proj', private: true })).status).toBe(201);
    expect((await api('POST', '/users', { username: 'victim', password: 'victim-password' })).status).toBe(201);
    expect((await api('PUT', '/repos/admin/proj/collaborators/victim', { permission: 'read' })).status).toBe(200);
    const session = await request('POST', '/api/v1/session', {
      from: '127.0.0.9',
      json: { username: 'victim', password: 'victim-password' },
    });
    expect(session.status).toBe(201);
    // A personal access token of the victim's, as git/DVC would be set up with.
    const made = await fetch(`${server.url}/api/v1/user/tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${JSON.parse(session.body).token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'dvc' }),
    });
    expect(made.status).toBe(201);
    victimToken = ((await made.json()) as { token: string }).token;
  });
  afterAll(() => server?.stop());

  it('locks an account after its free failures, from any address, with Retry-After; tokens still work', async () => {
    for (let i = 0; i < 4; i++) {
      const wrong = await request('GET', gitRefs, { from: '127.0.0.2', auth: basic('victim', `guess-${i}`) });
      expect(wrong.status).toBe(401);
    }
    // Fourth failure locked the account: even the right password, from another address, waits.
    const locked = await request('GET', gitRefs, { from: '127.0.0.3', auth: basic('victim', 'victim-password') });
    expect(locked.status).toBe(429);
    expect(Number(locked.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(locked.body).error.code).toBe('too_many_attempts');
    const app = await request('POST', '/api/v1/session', {
      from: '127.0.0.3',
      json: { username: 'victim', password: 'victim-password' },
    });
    expect(app.status).toBe(429);
    expect(Number(app.retryAfter)).toBeGreaterThanOrEqual(1);
    // A token is not a guess: git/DVC configured with one keep working.
    const byToken = await request('GET', gitRefs, { from: '127.0.0.2', auth: basic('victim', victimToken) });
    expect(byToken.status).toBe(200);
    // After the wait, the right password works and clears the count.
    await new Promise((r) => setTimeout(r, Number(locked.retryAfter) * 1000 + 100));
    const ok = await request('GET', gitRefs, { from: '127.0.0.3', auth: basic('victim', 'victim-password') });
    expect(ok.status).toBe(200);
    const wrongAgain = await request('GET', gitRefs, { from: '127.0.0.3', auth: basic('victim', 'nope') });
    expect(wrongAgain.status).toBe(401);
  });

  it('doubles the lock with each further failure', async () => {
    const from = '127.0.0.4';
    for (let i = 0; i < 4; i++)
      await request('POST', '/api/v1/session', { from, json: { username: 'admin', password: `x${i}` } });
    const first = await request('POST', '/api/v1/session', { from, json: { username: 'admin', password: 'x' } });
    expect(first.status).toBe(429);
    expect(first.retryAfter).toBe('1');
    await new Promise((r) => setTimeout(r, 1100));
    expect(
      (await request('POST', '/api/v1/session', { from, json: { username: 'admin', password: 'y' } })).status,
    ).toBe(401);
    const second = await request('POST', '/api/v1/session', { from, json: { username: 'admin', password: 'z' } });
    expect(second.status).toBe(429);
    expect(second.retryAfter).toBe('2');
  });

  it('locks an address spraying many account names', async () => {
    const from = '127.0.0.5';
    for (let i = 0; i < 7; i++) {
      expect((await request('GET', gitRefs, { from, auth: basic(`user${i}`, 'password1') })).status).toBe(401);
    }
    const sprayed = await request('GET', gitRefs, { from, auth: basic('someone-else', 'password1') });
    expect(sprayed.status).toBe(429);
    expect(Number(sprayed.retryAfter)).toBeGreaterThanOrEqual(1);
    // Other addresses are not affected.
    expect(
      (await request('GET', gitRefs, { from: '127.0.0.6', auth: basic('someone-else', 'password1') })).status,
    ).toBe(401);
  });

  // Two processes share counts only through a shared database server: PostgreSQL only.
  if (engine.name === 'postgres')
    it('counts failures made through two server processes together: the fourth locks the account on both', async () => {
      const other = await startTestServer(serverEnv);
      try {
        await request('POST', '/api/v1/session', {
          from: '127.0.0.7',
          json: { username: 'victim', password: 'victim-password' },
        });
        for (let i = 0; i < 4; i++) {
          const wrong = await request('GET', gitRefs, {
            from: '127.0.0.7',
            auth: basic('victim', `spread-${i}`),
            to: i % 2 ? other : server,
          });
          expect(wrong.status).toBe(401);
        }
        for (const to of [server, other]) {
          const locked = await request('GET', gitRefs, { from: '127.0.0.8', auth: basic('victim', 'x'), to });
          expect(locked.status).toBe(429);
          expect(JSON.parse(locked.body).error.code).toBe('too_many_attempts');
        }
      } finally {
        await other.stop();
      }
    }, 60_000);
});

// Behind a load balancer every connection comes from it: with its address in
// CAIRN_TRUSTED_PROXIES, each client is counted under the address the balancer forwards, and
// nobody else can choose their address with the header.
describe('password guessing limits behind a load balancer', () => {
  let lbServer: TestServer;
  const LB = '127.0.0.1';
  beforeAll(async () => {
    lbServer = await startTestServer({
      ...ENV,
      CAIRN_SIGNIN_FREE_FAILURES: '50',
      CAIRN_SIGNIN_ADDRESS_FREE_FAILURES: '6',
      CAIRN_SIGNIN_BASE_DELAY: '1',
      CAIRN_TRUSTED_PROXIES: LB,
    });
    const made = await fetch(`${lbServer.url}/api/v1/repos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'proj', private: true }),
    });
    expect(made.status).toBe(201);
  });
  afterAll(() => lbServer?.stop());

  const guess = (from: string, forwardedFor: string | undefined, i: number) =>
    request('GET', gitRefs, { from, forwardedFor, to: lbServer, auth: basic(`user${i}`, 'password1') });

  it('locks the sprayer the balancer names, not everyone behind the balancer', async () => {
    for (let i = 0; i < 7; i++) expect((await guess(LB, '198.51.100.4', i)).status).toBe(401);
    expect((await guess(LB, '198.51.100.4', 7)).status).toBe(429);
    // Another client through the same balancer is not locked out.
    expect((await guess(LB, '198.51.100.5', 8)).status).toBe(401);
  });

  it('ignores the header from a connection that is not a trusted balancer', async () => {
    // Someone connecting directly names a different client each time: still counted as themself.
    for (let i = 0; i < 7; i++) expect((await guess('127.0.0.8', `203.0.113.${i}`, i)).status).toBe(401);
    expect((await guess('127.0.0.8', '203.0.113.99', 7)).status).toBe(429);
    // And the addresses they named were not charged.
    expect((await guess(LB, '203.0.113.1', 8)).status).toBe(401);
  });
});
