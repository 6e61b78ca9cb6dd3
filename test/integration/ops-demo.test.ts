import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FsckReport } from '../../sync-server/src/ops/fsck.ts';
import type { GcReport } from '../../sync-server/src/ops/gc.ts';
import { cairnServer } from '../support/cairn-server-cli.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The operator commands on the seeded demo repository (a DVC pipeline with `dvc.lock`, `.dir`
 * outputs, several commits and MLflow runs): fsck finds it whole, and gc — even with no grace at
 * all — finds every object named by its history, so it would remove nothing.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ CAIRN_DEMO: '1' });
});
afterAll(() => server?.stop());

describe('cairn-server on the demo repository', () => {
  it('fsck reports nothing and gc finds every object referenced', async () => {
    const check = await cairnServer(['fsck', '--json', '--data', server.dataDir]);
    const report = JSON.parse(check.stdout) as FsckReport;
    expect(report.problems).toEqual([]);
    expect(check.code).toBe(0);
    expect(report.checked.objects).toBeGreaterThan(10);
    expect(report.checked.manifests).toBeGreaterThan(0);

    const dry = await cairnServer(['gc', '--dry-run', '--json', '--grace', '0', '--data', server.dataDir]);
    const gc = JSON.parse(dry.stdout) as GcReport;
    expect(dry.code).toBe(0);
    expect(gc.repositories).toHaveLength(1);
    expect(gc.repositories[0]?.unparsedPointerFiles).toEqual([]);
    expect(gc.repositories[0]?.keptAll).toBeUndefined();
    expect(gc.objects).toEqual([]);
  });
});
