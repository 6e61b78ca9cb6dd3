import { build } from 'vite';
import solid from 'vite-plugin-solid';

/**
 * Builds a browser bench's harness page (a folder beside the bench with an index.html that
 * imports the app's own modules) into `outDir`, as the app is built: Solid, module workers.
 */
export async function buildBenchPage(root: string, outDir: string): Promise<void> {
  await build({
    root,
    logLevel: 'error',
    configFile: false,
    plugins: [solid()],
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: true, target: 'es2022' },
  });
}
