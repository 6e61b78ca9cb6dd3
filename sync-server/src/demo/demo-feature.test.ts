import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateAccounts } from '../accounts/schema.ts';
import { makeAccountStore } from '../accounts/store.ts';
import { configFromEnv } from '../config.ts';
import { makeContext, type Services } from '../context.ts';
import { makeLogger } from '../log.ts';
import { makeRepoStore } from '../repos/store.ts';
import { makeServices } from '../services.ts';
import { seedDemo } from './demo-feature.ts';

const made: Services[] = [];
async function freshServices(): Promise<Services> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-demo-seed-'));
  const ctx = makeContext(configFromEnv({ CAIRN_DATA: dir }), makeLogger('silent'));
  migrateAccounts(ctx.db);
  const services = await makeServices(ctx);
  made.push(services);
  return services;
}
afterEach(() => {
  for (const { ctx } of made.splice(0)) {
    ctx.db.close();
    fs.rmSync(ctx.config.dataDir, { recursive: true, force: true });
  }
});

describe('seedDemo', () => {
  it('seeds once; a demo deleted afterwards is not re-created', async () => {
    const services = await freshServices();
    const { ctx } = services;
    const first = await seedDemo(services, 'http://127.0.0.1:8787');
    expect(first?.commitIds.length).toBeGreaterThanOrEqual(6);
    expect(first?.runs).toBeGreaterThanOrEqual(30);
    const repos = makeRepoStore(ctx.db);
    const demo = repos.find('demo', 'segmentation');
    expect(demo?.isPrivate).toBe(false);
    repos.remove(demo!.id);
    expect(await seedDemo(services, 'http://127.0.0.1:8787')).toBeNull();
    expect(repos.find('demo', 'segmentation')).toBeNull();
  });

  it('does not seed a server that already hosts repositories', async () => {
    const services = await freshServices();
    const { ctx } = services;
    const alice = makeAccountStore(ctx.db).createUser('alice', null);
    makeRepoStore(ctx.db).create(alice.id, 'thesis', true);
    expect(await seedDemo(services, 'http://127.0.0.1:8787')).toBeNull();
    expect(makeRepoStore(ctx.db).find('demo', 'segmentation')).toBeNull();
  });
});
