import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sqlEngines } from '../../../test/support/sql-engines.ts';
import { makeAccountStore } from '../accounts/store.ts';
import { configFromEnv } from '../config.ts';
import { makeContext, type Services } from '../context.ts';
import { makeLogger } from '../log.ts';
import { makeRepoStore } from '../repos/store.ts';
import { makeServices } from '../services.ts';
import { seedDemo } from './demo-feature.ts';

const made: Services[] = [];
afterEach(async () => {
  for (const { ctx } of made.splice(0)) {
    if (ctx.sql.dialect === 'postgres') await ctx.sql.close();
    ctx.db.close();
    fs.rmSync(ctx.config.dataDir, { recursive: true, force: true });
  }
});

// Seeding writes a git history and hundreds of objects: seconds on a busy machine.
describe.each(sqlEngines())('seedDemo on $name', { timeout: 60_000 }, (engine) => {
  async function freshServices(): Promise<Services> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-demo-seed-'));
    const env = { CAIRN_DATA: dir, ...(await engine.serverEnv()) };
    const ctx = await makeContext(configFromEnv(env), makeLogger('silent'));
    const services = await makeServices(ctx);
    made.push(services);
    return services;
  }

  it('seeds once; a demo deleted afterwards is not re-created', async () => {
    const services = await freshServices();
    const { ctx } = services;
    const first = await seedDemo(services, 'http://127.0.0.1:8787');
    expect(first?.commitIds.length).toBeGreaterThanOrEqual(6);
    expect(first?.runs).toBeGreaterThanOrEqual(30);
    const repos = makeRepoStore(ctx.sql);
    const demo = await repos.find('demo', 'segmentation');
    expect(demo?.isPrivate).toBe(false);
    await repos.remove(demo!.id);
    expect(await seedDemo(services, 'http://127.0.0.1:8787')).toBeNull();
    expect(await repos.find('demo', 'segmentation')).toBeNull();
  });

  it('does not seed a server that already hosts repositories', async () => {
    const services = await freshServices();
    const { ctx } = services;
    const alice = await makeAccountStore(ctx.sql).createUser('alice', null);
    await makeRepoStore(ctx.sql).create(alice.id, 'thesis', true);
    expect(await seedDemo(services, 'http://127.0.0.1:8787')).toBeNull();
    expect(await makeRepoStore(ctx.sql).find('demo', 'segmentation')).toBeNull();
  });
});
