import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type CairnServer, configFromEnv, startCairn } from '../../sync-server/src/index.ts';

export interface TestServer extends CairnServer {
  dataDir: string;
  /** Stops the server and removes its temporary data folder. */
  stop(): Promise<void>;
}

/**
 * The real server, in this process, on a free port of 127.0.0.1 with a fresh temporary data
 * folder, configured by `env` alone: tests pass their settings here and never write
 * process.env (which other tests of the same worker would see). The one exception read from
 * process.env is CAIRN_APP_DIR, where the e2e global setup announces the built app.
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-test-'));
  const config = configFromEnv({
    // Seeding the demo repository costs about a second and adds a public repo: only tests that
    // pass CAIRN_DEMO=1 get it.
    CAIRN_DEMO: '0',
    ...(process.env.CAIRN_APP_DIR ? { CAIRN_APP_DIR: process.env.CAIRN_APP_DIR } : {}),
    HOST: '127.0.0.1',
    PORT: '0',
    CAIRN_DATA: dataDir,
    CAIRN_LOG: 'silent',
    ...env,
  });
  const server = await startCairn(config);
  return {
    ...server,
    dataDir,
    async stop() {
      await server.close(1000);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
