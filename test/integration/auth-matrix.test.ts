import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, md5Of, putObject, v3Path } from '../support/dvc-upload.ts';
import { runGit } from '../support/git-cli.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { rawSocket } from './yjs-clients.ts';

/**
 * Every channel's endpoints × every kind of caller, on a private repository holding marked
 * secrets in git, DVC, MLflow and the run feed. Callers: anonymous, a reader, a writer, the
 * owner, a site admin, another signed-in user with no grant, and the owner's own credentials sent
 * by a page of another site. Expected: anonymous 401; the stranger 404, answered exactly as for
 * a repository that does not exist; a grant too small 403; site-admin endpoints 403 for everyone
 * else; writes from a foreign origin 403 `foreign_origin` and reads without CORS headers; and no
 * refusal carries any of the repository's secrets.
 */
const TOKEN = 'cairn_test_admin_token_matrix_01';
const SECRET = 'vault-secret';
const REPO = 'olga/vault';
const MISSING_REPO = 'olga/nope';
const EVIL = 'https://evil.example';

type Role = 'anonymous' | 'reader' | 'writer' | 'owner' | 'admin' | 'stranger';
type Need = 'read' | 'write' | 'admin' | 'site-admin';
const ROLES: Role[] = ['anonymous', 'reader', 'writer', 'owner', 'admin', 'stranger'];

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

interface Endpoint {
  name: string;
  need: Need;
  method: string;
  /** Path for a repository (`olga/vault`), so the same call can go to one that does not exist. */
  path(repo: string): string;
  /** How this channel's clients send credentials. */
  auth: 'basic' | 'bearer';
  body?: () => string | Buffer;
  contentType?: string;
}

let server: TestServer;
let work: string;
const tokens = new Map<Role, string>();
const users: Record<Exclude<Role, 'anonymous' | 'admin'>, string> = {
  reader: 'rita',
  writer: 'walt',
  owner: 'olga',
  stranger: 'oscar',
};
const secretObject = Buffer.from(`${SECRET}-bytes of a DVC-tracked file\n`);
const writerObject = Buffer.from('bytes a writer may upload\n');
let runId = '';

async function call(e: Endpoint, role: Role, repo = REPO, extra: Record<string, string> = {}): Promise<Answer> {
  const token = tokens.get(role);
  const user = role === 'admin' ? 'admin' : role === 'anonymous' ? '' : users[role];
  const headers: Record<string, string> = { ...extra };
  if (token) headers.Authorization = e.auth === 'basic' ? basicAuth(user, token) : `Bearer ${token}`;
  if (e.body) headers['Content-Type'] = e.contentType ?? 'application/json';
  const body = e.body?.();
  const res = await fetch(`${server.url}${e.path(repo)}`, {
    method: e.method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : new Uint8Array(body),
    redirect: 'manual',
  });
  return { status: res.status, text: e.method === 'HEAD' ? '' : await res.text(), headers: res.headers };
}

/** What a caller in `role` must get from an endpoint that needs `need` on the private repository. */
function expected(role: Role, need: Need): 'allowed' | 401 | 403 | 404 {
  if (role === 'anonymous') return 401;
  if (need === 'site-admin') return role === 'admin' ? 'allowed' : 403;
  if (role === 'stranger') return 404;
  if (role === 'owner' || role === 'admin') return 'allowed';
  if (role === 'writer') return need === 'admin' ? 403 : 'allowed';
  return need === 'read' ? 'allowed' : 403;
}

const json = (v: unknown) => () => JSON.stringify(v);
const mlflow = (repo: string, p: string) => `/${repo}.mlflow/api/2.0/mlflow/${p}`;

const ENDPOINTS: Endpoint[] = [
  // Cairn's JSON API
  { name: 'repository JSON', need: 'read', method: 'GET', auth: 'bearer', path: (r) => `/api/v1/repos/${r}` },
  {
    name: 'repository settings',
    need: 'admin',
    method: 'PATCH',
    auth: 'bearer',
    path: (r) => `/api/v1/repos/${r}`,
    body: json({ private: true }),
  },
  {
    name: 'delete (without the typed confirmation)',
    need: 'admin',
    method: 'DELETE',
    auth: 'bearer',
    path: (r) => `/api/v1/repos/${r}`,
    body: json({ confirm: 'not the name' }),
  },
  {
    name: 'rename (to an invalid name)',
    need: 'admin',
    method: 'POST',
    auth: 'bearer',
    path: (r) => `/api/v1/repos/${r}/rename`,
    body: json({ name: 'not a valid name!' }),
  },
  { name: 'mirror sync', need: 'write', method: 'POST', auth: 'bearer', path: (r) => `/api/v1/repos/${r}/sync` },
  {
    name: 'collaborators',
    need: 'read',
    method: 'GET',
    auth: 'bearer',
    path: (r) => `/api/v1/repos/${r}/collaborators`,
  },
  {
    name: 'grant (the grant rita already has)',
    need: 'admin',
    method: 'PUT',
    auth: 'bearer',
    path: (r) => `/api/v1/repos/${r}/collaborators/rita`,
    body: json({ permission: 'read' }),
  },
  {
    name: 'batch missing (API)',
    need: 'read',
    method: 'POST',
    auth: 'bearer',
    path: (r) => `/api/v1/repos/${r}/dvc/missing`,
    body: () => JSON.stringify({ oids: [md5Of(secretObject)] }),
  },
  { name: 'run feed', need: 'read', method: 'GET', auth: 'bearer', path: (r) => `/api/v1/repos/${r}/runs` },
  {
    name: 'run feed batch',
    need: 'write',
    method: 'POST',
    auth: 'bearer',
    path: (r) => `/api/v1/repos/${r}/runs/batch`,
    body: json({ runs: [] }),
  },
  // git smart HTTP
  {
    name: 'git clone/fetch',
    need: 'read',
    method: 'GET',
    auth: 'basic',
    path: (r) => `/${r}.git/info/refs?service=git-upload-pack`,
  },
  {
    name: 'git push',
    need: 'write',
    method: 'GET',
    auth: 'basic',
    path: (r) => `/${r}.git/info/refs?service=git-receive-pack`,
  },
  // DVC HTTP remote
  {
    name: 'DVC download',
    need: 'read',
    method: 'GET',
    auth: 'basic',
    path: (r) => `/${r}.dvc/${v3Path(md5Of(secretObject))}`,
  },
  {
    name: 'DVC exists',
    need: 'read',
    method: 'HEAD',
    auth: 'basic',
    path: (r) => `/${r}.dvc/${v3Path(md5Of(secretObject))}`,
  },
  {
    name: 'DVC upload',
    need: 'write',
    method: 'PUT',
    auth: 'basic',
    path: (r) => `/${r}.dvc/${v3Path(md5Of(writerObject))}`,
    body: () => writerObject,
    contentType: 'application/octet-stream',
  },
  {
    name: 'DVC batch missing',
    need: 'read',
    method: 'POST',
    auth: 'basic',
    path: (r) => `/${r}.dvc/missing`,
    body: () => JSON.stringify({ oids: [md5Of(secretObject)] }),
  },
  // MLflow tracking
  {
    name: 'MLflow search experiments',
    need: 'read',
    method: 'GET',
    auth: 'bearer',
    path: (r) => mlflow(r, 'experiments/search?max_results=10'),
  },
  {
    name: 'MLflow get run',
    need: 'read',
    method: 'GET',
    auth: 'bearer',
    path: (r) => mlflow(r, `runs/get?run_id=${runId}`),
  },
  {
    name: 'MLflow search runs',
    need: 'read',
    method: 'POST',
    auth: 'bearer',
    path: (r) => mlflow(r, 'runs/search'),
    body: json({ experiment_ids: ['0'] }),
  },
  {
    name: 'MLflow create run',
    need: 'write',
    method: 'POST',
    auth: 'bearer',
    path: (r) => mlflow(r, 'runs/create'),
    body: json({ experiment_id: '0' }),
  },
  {
    name: 'MLflow log param',
    need: 'write',
    method: 'POST',
    auth: 'bearer',
    path: (r) => mlflow(r, 'runs/log-parameter'),
    body: () => JSON.stringify({ run_id: runId, key: 'by-caller', value: 'x' }),
  },
  {
    name: 'MLflow artifact list',
    need: 'read',
    method: 'GET',
    auth: 'bearer',
    path: (r) => `/${r}.mlflow/api/2.0/mlflow-artifacts/artifacts?path=`,
  },
  {
    name: 'MLflow artifact upload',
    need: 'write',
    method: 'PUT',
    auth: 'bearer',
    path: (r) => `/${r}.mlflow/api/2.0/mlflow-artifacts/artifacts/0/notes.txt`,
    body: () => Buffer.from('an artifact'),
    contentType: 'application/octet-stream',
  },
  // Site administration
  { name: 'audit log', need: 'site-admin', method: 'GET', auth: 'bearer', path: () => '/api/v1/admin/audit' },
  {
    name: 'create a user (invalid name)',
    need: 'site-admin',
    method: 'POST',
    auth: 'bearer',
    path: () => '/api/v1/users',
    body: json({ username: 'not valid!', password: 'long-enough-password' }),
  },
];

/** An answer with the per-request parts removed and the repository's name neutralised. */
const normalised = (a: Answer, name: string) =>
  `${a.status} ${a.text.replace(/"requestId":"[0-9a-f]+"/g, '').replaceAll(name, 'REPO')}`;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-matrix-'));
  server = await startTestServer({ CAIRN_ADMIN_PASSWORD: 'admin-password-matrix', CAIRN_ADMIN_TOKEN: TOKEN });
  tokens.set('admin', TOKEN);
  const api = async (method: string, p: string, body: unknown, token = TOKEN) => {
    const res = await fetch(`${server.url}${p}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  for (const [role, username] of Object.entries(users) as Array<[Role, string]>) {
    const password = `${username}-password-matrix`;
    await api('POST', '/api/v1/users', { username, password });
    const session = await fetch(`${server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    tokens.set(role, ((await session.json()) as { token: string }).token);
  }
  const olga = tokens.get('owner') as string;
  await api('POST', '/api/v1/repos', { name: 'vault', private: true }, olga);
  await api('PUT', `/api/v1/repos/${REPO}/collaborators/rita`, { permission: 'read' }, olga);
  await api('PUT', `/api/v1/repos/${REPO}/collaborators/walt`, { permission: 'write' }, olga);

  // The secrets: a commit, a DVC object, an MLflow run, a run in the feed.
  const clone = path.join(work, 'vault');
  fs.mkdirSync(clone);
  const git = async (args: string[]) => {
    const r = await runGit(args, { home: work, cwd: clone });
    if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.out}`);
  };
  await git(['init', '-q', '-b', 'main']);
  fs.writeFileSync(path.join(clone, 'README.md'), `# ${SECRET} readme\n`);
  await git(['add', '.']);
  await git(['commit', '-q', '-m', `${SECRET} commit`]);
  await git(['push', '-q', `${server.url.replace('http://', `http://olga:${olga}@`)}/${REPO}.git`, 'main']);
  expect(await putObject(server.url, basicAuth('olga', olga), REPO, v3Path(md5Of(secretObject)), secretObject)).toBe(
    200,
  );
  runId = (await api('POST', mlflow(REPO, 'runs/create'), { experiment_id: '0', run_name: `${SECRET}-run` }, olga)).run
    .info.run_id;
  await api(
    'POST',
    mlflow(REPO, 'runs/log-parameter'),
    { run_id: runId, key: 'password', value: `${SECRET}-param` },
    olga,
  );
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('auth matrix: every endpoint × every caller on a private repository', () => {
  for (const e of ENDPOINTS) {
    it(`${e.method} ${e.name}`, async () => {
      const seen: string[] = [];
      for (const role of ROLES) {
        const a = await call(e, role);
        const want = expected(role, e.need);
        const got =
          want === 'allowed'
            ? [401, 403, 404].includes(a.status) || a.status >= 500
              ? a.status
              : 'allowed'
            : a.status;
        seen.push(`${role}: ${got === want ? 'ok' : `expected ${want}, got ${a.status} ${a.text.slice(0, 160)}`}`);
        if (want !== 'allowed') {
          // A refusal never carries what it protects.
          expect(a.text, `${role} ${e.name}`).not.toContain(SECRET);
        }
        if (role === 'stranger' && e.need !== 'site-admin') {
          // Existence is not revealed: the same answer as for a repository that does not exist.
          const absent = await call(e, role, MISSING_REPO);
          expect(normalised(a, 'vault'), `${e.name}: stranger`).toBe(normalised(absent, 'nope'));
        }
      }
      expect(seen.filter((s) => !s.endsWith(': ok'))).toEqual([]);
    });
  }

  it('lists the private repository only to those who may read it', async () => {
    const list = { name: 'list', need: 'read', method: 'GET', auth: 'bearer', path: () => '/api/v1/repos' } as const;
    for (const role of ROLES) {
      const a = await call(list, role);
      expect(a.status, role).toBe(200);
      const names = (JSON.parse(a.text) as { repos: Array<{ owner: string; name: string }> }).repos.map(
        (r) => `${r.owner}/${r.name}`,
      );
      expect(names.includes(REPO), role).toBe(expected(role, 'read') === 'allowed');
    }
  });

  it("refuses every write sent with the owner's credentials by a page of another site, and reads get no CORS grant", async () => {
    for (const e of ENDPOINTS.filter((x) => x.need !== 'site-admin')) {
      const a = await call(e, 'owner', REPO, { Origin: EVIL });
      if (e.method === 'GET' || e.method === 'HEAD') {
        expect(a.status, e.name).toBeLessThan(400);
        expect(a.headers.get('access-control-allow-origin'), e.name).toBeNull();
      } else {
        expect(a.status, e.name).toBe(403);
        expect(JSON.parse(a.text).error.code, e.name).toBe('foreign_origin');
      }
      // The app's own pages (same origin) are not refused.
      const own = await call(e, 'owner', REPO, { Origin: server.url });
      expect([401, 403, 404].includes(own.status), `${e.name} from the server's own origin`).toBe(false);
    }
    const socket = rawSocket(server.url, `/yjs/${REPO}/note?token=${tokens.get('owner')}`, { Origin: EVIL });
    expect(await socket.refusedStatus).toBe(403);
  });

  it('opens live notes to those who may read, closes them for anyone else without saying whether the repository exists', async () => {
    for (const role of ROLES) {
      const token = tokens.get(role);
      const socket = rawSocket(server.url, `/yjs/${REPO}/note${token ? `?token=${token}` : ''}`);
      const want = expected(role, 'read');
      const refused = await socket.refusedStatus;
      if (want === 'allowed') {
        expect(refused, role).toBeNull();
        socket.ws.close();
      } else {
        const closed = refused === null ? (await socket.closed).code : refused;
        expect([want, 4000 + want], role).toContain(closed);
        if (role === 'stranger') {
          const other = rawSocket(server.url, `/yjs/${MISSING_REPO}/note?token=${token}`);
          const otherRefused = await other.refusedStatus;
          expect(otherRefused === null ? (await other.closed).code : otherRefused).toBe(closed);
        }
      }
    }
  });
});
