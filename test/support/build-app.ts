/**
 * Builds the PWA into a folder of the caller's own, exactly as `npm start` serves it, and
 * announces it to servers started afterwards through CAIRN_APP_DIR. Used by the e2e global
 * setup and by the benches that drive the real app, so they all measure the same build.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type InlineConfig } from 'vite';

const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../app');

export async function buildApp(outDir: string): Promise<void> {
  await productionBuild({
    root: appRoot,
    configFile: path.join(appRoot, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
  process.env.CAIRN_APP_DIR = outDir;
}

/**
 * Vite's `build` as `npm start` builds: Vite picks packages' production builds only when NODE_ENV
 * says production, and Vitest has set it to "test" (with it, the tests ran Solid's development
 * build). Every page a test or bench builds goes through here.
 */
export async function productionBuild(config: InlineConfig): Promise<void> {
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build(config);
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}
