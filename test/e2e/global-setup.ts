import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../support/build-app.ts';
import { chromiumPath } from '../support/chromium.ts';

/**
 * Builds the PWA once per run so browser tests see the current code, exactly as `npm start`
 * serves it. The build goes to a folder of this run's own (announced to the test servers through
 * CAIRN_APP_DIR), so parallel runs never serve each other's half-written builds.
 */
export default async function setup(): Promise<() => void> {
  if (!chromiumPath) return () => {}; // the tests report the skip (or the failure under CAIRN_REQUIRE_E2E)
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-app-build-'));
  await buildApp(outDir);
  return () => fs.rmSync(outDir, { recursive: true, force: true });
}
