import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { chromiumPath } from '../support/chromium.ts';

const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../app');

/** Builds the PWA once per run so browser tests see the current code, exactly as `npm start` serves it. */
export default async function setup(): Promise<void> {
  if (!chromiumPath) return; // the tests themselves report the skip (or the failure under CAIRN_REQUIRE_E2E)
  await build({ root: appRoot, configFile: path.join(appRoot, 'vite.config.ts'), logLevel: 'error' });
}
