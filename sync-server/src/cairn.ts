import type { ServerConfig } from './config.ts';
import { type CairnServer, startServer } from './server.ts';

/**
 * Assembles the whole product server from its parts (storage, accounts, git, DVC remote,
 * MLflow, Yjs) and starts it. `npm start` and the integration tests both come through here,
 * so tests exercise exactly what users run.
 */
export async function startCairn(config: ServerConfig): Promise<CairnServer> {
  return startServer(config, {});
}
