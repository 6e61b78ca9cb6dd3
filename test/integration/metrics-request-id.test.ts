import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, md5Of, putObject, v3Path } from '../support/dvc-upload.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { waitFor, yClient } from './yjs-clients.ts';

/**
 * `/metrics` in Prometheus' text format (prom-client) as a scraper reads it, behind
 * `CAIRN_METRICS_TOKEN`; request ids in the `X-Request-Id` header, in every error answer and in
 * every log line written while the request was answered.
 */
const TOKEN = 'cairn_test_admin_token_metrics_1';
const METRICS_TOKEN = 'scrape-secret-0123456789';
const ENV = { CAIRN_ADMIN_PASSWORD: 'admin-password-metrics', CAIRN_ADMIN_TOKEN: TOKEN };

let server: TestServer;
const logs: Array<Record<string, unknown>> = [];
const realWrite = process.stdout.write.bind(process.stdout);

const scrape = async () => {
  const res = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
};
/** The value of one sample line, e.g. `cairn_http_requests_total{route="health",…}`. */
const sample = (text: string, name: string, labels: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
};

beforeAll(async () => {
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && chunk.startsWith('{"time"')) logs.push(JSON.parse(chunk));
    return (realWrite as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  server = await startTestServer({ ...ENV, CAIRN_LOG: 'info', CAIRN_METRICS_TOKEN: METRICS_TOKEN });
  const res = await fetch(`${server.url}/api/v1/repos`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'secretproj', private: true }),
  });
  expect(res.status).toBe(201);
});
afterAll(async () => {
  process.stdout.write = realWrite;
  await server?.stop();
});

describe('/metrics', () => {
  it('counts requests by route and status, bytes in and out, with process metrics; only with the token', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    const before = await scrape();
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const body = Buffer.alloc(200_000, 3);
    expect(await putObject(server.url, basicAuth('admin', TOKEN), 'admin/secretproj', v3Path(md5Of(body)), body)).toBe(
      200,
    );
    const missing = await fetch(`${server.url}/admin/secretproj.dvc/${v3Path(md5Of('nothing'))}`, {
      headers: { Authorization: basicAuth('admin', TOKEN) },
    });
    expect(missing.status).toBe(404);
    const after = await scrape();

    const health = 'route="health",method="GET",status="200"';
    expect(
      sample(after, 'cairn_http_requests_total', health) - sample(before, 'cairn_http_requests_total', health),
    ).toBe(3);
    expect(sample(after, 'cairn_http_requests_total', 'route="dvc-remote",method="PUT",status="200"')).toBe(1);
    expect(sample(after, 'cairn_http_requests_total', 'route="dvc-remote",method="GET",status="404"')).toBe(1);
    expect(sample(after, 'cairn_http_received_bytes_total', 'route="dvc-remote"')).toBeGreaterThanOrEqual(body.length);
    expect(sample(after, 'cairn_http_sent_bytes_total', 'route="health"')).toBeGreaterThan(0);
    expect(after).toContain('# TYPE cairn_http_request_duration_seconds histogram');
    expect(after).toMatch(/^cairn_process_resident_memory_bytes \d+/m);
    expect(after).toMatch(/^cairn_nodejs_eventloop_lag_seconds /m);
    // Labels are route names: no repository or user name is exposed.
    expect(after).not.toContain('secretproj');
    expect(after).not.toContain('admin');
  });
});

describe('/metrics levels', () => {
  it('reports uploads in progress, git processes, live-notes rooms and sockets, and database timings', async () => {
    const level = (text: string, name: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line === undefined ? null : Number(line.split(' ').at(-1));
    };
    const idle = await scrape();
    expect(level(idle, 'cairn_dvc_uploads_in_progress')).toBe(0);
    expect(level(idle, 'cairn_git_processes')).toBe(0);
    expect(level(idle, 'cairn_yjs_sockets')).toBe(0);
    expect(sample(idle, 'cairn_db_statement_seconds_count', 'kind="write"')).toBeGreaterThan(0);
    expect(sample(idle, 'cairn_db_statement_seconds_count', 'kind="read"')).toBeGreaterThan(0);

    // An upload whose body is still arriving is "in progress" until its last byte.
    const body = Buffer.alloc(64 * 1024, 7);
    const upload = http.request(`${server.url}/admin/secretproj.dvc/${v3Path(md5Of(body))}`, {
      method: 'PUT',
      headers: { Authorization: basicAuth('admin', TOKEN), 'Content-Length': String(body.length) },
    });
    const answered = new Promise<number>((resolve, reject) => {
      upload.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      upload.on('error', reject);
    });
    upload.write(body.subarray(0, 1000));
    let during = await scrape();
    for (let i = 0; i < 200 && level(during, 'cairn_dvc_uploads_in_progress') !== 1; i++) {
      await new Promise((r) => setTimeout(r, 25));
      during = await scrape();
    }
    expect(level(during, 'cairn_dvc_uploads_in_progress')).toBe(1);
    upload.end(body.subarray(1000));
    expect(await answered).toBe(200);
    expect(level(await scrape(), 'cairn_dvc_uploads_in_progress')).toBe(0);

    // A live-notes client: one room loaded, one socket open; gone when it leaves.
    const client = yClient(server.url, 'admin', 'secretproj', 'metrics-note', TOKEN);
    await waitFor('the client to sync', () => client.provider.synced);
    const live = await scrape();
    expect(level(live, 'cairn_yjs_sockets')).toBe(1);
    expect(level(live, 'cairn_yjs_rooms')).toBe(1);
    client.destroy();
    let left = await scrape();
    for (let i = 0; i < 200 && level(left, 'cairn_yjs_sockets') !== 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
      left = await scrape();
    }
    expect(level(left, 'cairn_yjs_sockets')).toBe(0);
  });
});

describe('request ids', () => {
  it('are in the header, the error answer and every log line of the request', async () => {
    const res = await fetch(`${server.url}/api/v1/repos/admin/nope`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(404);
    const id = res.headers.get('x-request-id') as string;
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(((await res.json()) as { error: { requestId: string } }).error.requestId).toBe(id);
    await new Promise((r) => setTimeout(r, 50));
    expect(logs.find((l) => l.msg === 'request' && l.requestId === id)).toMatchObject({ status: 404 });

    // A line a handler writes mid-request carries the id too (here: the deletion's log line).
    expect(
      (
        await fetch(`${server.url}/api/v1/repos`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: 'short-lived', private: true }),
        })
      ).status,
    ).toBe(201);
    const del = await fetch(`${server.url}/api/v1/repos/admin/short-lived`, {
      method: 'DELETE',
      headers: {
        Authorization: `Bearer ${TOKEN}`,
        'Content-Type': 'application/json',
        'X-Request-Id': 'proxy-id-12345',
      },
      body: JSON.stringify({ confirm: 'admin/short-lived' }),
    });
    expect(del.status).toBe(204);
    expect(del.headers.get('x-request-id')).toBe('proxy-id-12345');
    await new Promise((r) => setTimeout(r, 50));
    expect(logs.find((l) => l.msg === 'repository deleted')).toMatchObject({ requestId: 'proxy-id-12345' });

    // An offered id that is not plain is replaced, never echoed.
    const odd = await fetch(`${server.url}/healthz`, { headers: { 'X-Request-Id': '<script>x</script>' } });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
  });
});
