import { parseOrderByList, sortRuns } from '@cairn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FILTER_CASES,
  FILTER_ERROR_CASES,
  FIXTURE_RUNS,
  fixtureToRun,
} from '../../packages/core/src/runs/filter-cases.fixture.ts';
import { createRepo } from '../support/create-repo.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The filter language's table of truth (packages/core/src/runs/filter-cases.fixture.ts), run
 * against the server's runs/search: the same runs logged over MLflow's REST API must match the
 * same expressions as the core evaluator finds, bad expressions must come back as
 * INVALID_PARAMETER_VALUE pointing at the same line and column, and order_by must agree with
 * the core sort.
 */
const ADMIN_TOKEN = 'cairn_test_admin_token_mlsearch1';

let server: TestServer;
let experimentId: string;

async function ml(
  endpoint: string,
  body: Record<string, unknown>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/admin/search.mlflow/api/2.0/mlflow/${endpoint}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

interface RunJson {
  info: { run_id: string; run_name: string };
}

async function search(
  body: Record<string, unknown>,
): Promise<{ status: number; json: Record<string, unknown>; names: string[] }> {
  const r = await ml('runs/search', { experiment_ids: [experimentId], ...body });
  const runs = (r.json.runs ?? []) as RunJson[];
  return { ...r, names: runs.map((x) => x.info.run_name) };
}

beforeAll(async () => {
  server = await startTestServer({ CAIRN_ADMIN_PASSWORD: 'admin-password-mlsearch', CAIRN_ADMIN_TOKEN: ADMIN_TOKEN });
  const repo = await createRepo(server.url, ADMIN_TOKEN, { name: 'search', private: true });
  expect(repo.status).toBe(201);
  experimentId = (await ml('experiments/create', { name: 'table' })).json.experiment_id as string;
  for (const r of FIXTURE_RUNS) {
    const created = await ml('runs/create', {
      experiment_id: experimentId,
      run_name: r.name,
      user_id: r.userId,
      start_time: r.startTime,
    });
    const runId = (created.json.run as RunJson).info.run_id;
    const logged = await ml('runs/log-batch', {
      run_id: runId,
      params: Object.entries(r.params).map(([key, value]) => ({ key, value })),
      tags: Object.entries(r.tags).map(([key, value]) => ({ key, value })),
      metrics: r.metrics.map(([key, value, step]) => ({ key, value, step, timestamp: r.startTime + step })),
    });
    expect(logged.status).toBe(200);
    if (r.status !== 'RUNNING') {
      expect((await ml('runs/update', { run_id: runId, status: r.status, end_time: r.endTime })).status).toBe(200);
    }
  }
});
afterAll(async () => {
  await server?.stop();
});

describe('runs/search runs the same filter table as the core evaluator', () => {
  it.each(FILTER_CASES)('%j matches %j', async (filter, expected) => {
    const r = await search({ filter });
    expect(r.status).toBe(200);
    expect([...r.names].sort()).toEqual(expected);
  });

  it.each(FILTER_ERROR_CASES)(
    '%j is INVALID_PARAMETER_VALUE (%s at line %i column %i)',
    async (filter, code, line, column) => {
      const r = await search({ filter });
      expect(r.status).toBe(400);
      expect(r.json.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(r.json.message).toContain(`line ${line}, column ${column}`);
      expect(r.json.filter_error).toMatchObject({ code, line, column });
    },
  );
});

describe('runs/search order_by agrees with the core sort', () => {
  const core = FIXTURE_RUNS.map((r) => fixtureToRun(r));
  const orders: string[][] = [
    [],
    ['metrics.acc DESC'],
    ['metrics.loss'],
    ['metrics.loss DESC'],
    ['params.lr ASC'],
    ['tags.`team` DESC', 'attributes.run_name'],
    ['attributes.end_time DESC'],
    ['attributes.status', 'metrics.acc'],
  ];
  it.each(orders)('%j', async (...clauses) => {
    const parsed = parseOrderByList(clauses);
    if (!parsed.ok) throw parsed.error;
    const expected = sortRuns(core, parsed.value).map((r) => r.name);
    expect((await search({ order_by: clauses })).names).toEqual(expected);
  });

  it('refuses a bad clause with a positioned INVALID_PARAMETER_VALUE', async () => {
    const r = await search({ order_by: ['metrics.acc sideways'] });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      filter_error: { code: 'unexpected_token', column: 13 },
    });
  });

  it('pages through a filtered, ordered result without losing or repeating runs', async () => {
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await search({
        filter: 'metrics.acc > 0',
        order_by: ['metrics.acc DESC'],
        max_results: 2,
        page_token: token,
      });
      names.push(...r.names);
      token = r.json.next_page_token as string | undefined;
      pages += 1;
    } while (token && pages < 10);
    expect(pages).toBe(3);
    expect(names).toEqual((await search({ filter: 'metrics.acc > 0', order_by: ['metrics.acc DESC'] })).names);
    expect(new Set(names).size).toBe(5);
    expect((await search({ page_token: 'garbage!' })).json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await search({ max_results: 50001 })).status).toBe(400);
  });
});

describe('experiments/search', () => {
  it('filters and orders experiments with the experiment identifiers', async () => {
    await ml('experiments/create', { name: 'exp-b', tags: [{ key: 'kind', value: 'sweep' }] });
    await ml('experiments/create', { name: 'exp-a' });
    const r = await ml('experiments/search', { filter: "name LIKE 'exp-%'", order_by: ['name ASC'], max_results: 10 });
    expect((r.json.experiments as Array<{ name: string }>).map((e) => e.name)).toEqual(['exp-a', 'exp-b']);
    const tagged = await ml('experiments/search', { filter: "tags.kind = 'sweep'" });
    expect((tagged.json.experiments as Array<{ name: string }>).map((e) => e.name)).toEqual(['exp-b']);
    const bad = await ml('experiments/search', { filter: 'metrics.acc > 1' });
    expect(bad).toMatchObject({
      status: 400,
      json: { error_code: 'INVALID_PARAMETER_VALUE', filter_error: { code: 'unknown_entity' } },
    });
  });
});
