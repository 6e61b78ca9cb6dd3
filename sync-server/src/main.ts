import { startCairn } from './cairn.ts';
import { configFromEnv } from './config.ts';
import { tuneHeapGrowth } from './heap-growth.ts';

/** `npm start`: the server with embedded defaults, stopped gracefully on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  tuneHeapGrowth();
  const config = configFromEnv();
  const server = await startCairn(config);
  process.stdout.write(`Cairn is running at ${server.url} (data in ${config.dataDir})\n`);
  const stop = (signal: string) => {
    server.log.info('shutting down', { signal });
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`cairn-server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
