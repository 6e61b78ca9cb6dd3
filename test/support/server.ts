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
 * folder. The configuration is read from process.env (where the e2e global setup announces
 * CAIRN_APP_DIR) with `env` adding or overriding variables.
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-test-'));
  const config = configFromEnv({
    // Seeding the demo repository costs about a second and adds a public repo: only tests that
    // set CAIRN_DEMO=1 (in `env` or process.env) get it.
    CAIRN_DEMO: '0',
    ...process.env,
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
