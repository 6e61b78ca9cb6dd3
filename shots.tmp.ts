import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildApp } from './test/support/build-app.ts';
import { startTestServer } from './test/support/server.ts';

const TOKEN = 'cairn_test_admin_token_shots_0001';
const out = '/tmp/models-shots';
const appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-shots-app-'));
await buildApp(appDir);
process.env.CAIRN_APP_DIR = appDir;
const server = await startTestServer({ CAIRN_DEMO: '1', CAIRN_ADMIN_PASSWORD: 'shots-pw', CAIRN_ADMIN_TOKEN: TOKEN });
const ml = async (method: string, ep: string, body: Record<string, unknown> = {}) => {
  const base = `${server.url}/demo/segmentation.mlflow/api/2.0/mlflow/${ep}`;
  const r = await fetch(method === 'GET' ? `${base}?${new URLSearchParams(body as Record<string, string>)}` : base, {
    method, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: method === 'GET' ? undefined : JSON.stringify(body),
  });
  return r.json() as Promise<any>;
};
const runs = (await ml('POST', 'runs/search', { experiment_ids: ['1', '2'], max_results: 3, order_by: ['metrics.val_iou DESC'] })).runs;
for (const [i, run] of runs.entries()) {
  const root = run.info.artifact_uri.replace('mlflow-artifacts:/', '');
  for (const [f, b] of [['MLmodel', `artifact_path: model\nflavors:\n  python_function:\n    env:\n      conda: conda.yaml\n    loader_module: mlflow.pytorch\n    python_version: 3.11.6\n  pytorch:\n    pytorch_version: 2.2.1\n    model_data: data\nmlflow_version: 2.16.0\nmodel_uuid: 7f1c${i}\nrun_id: ${run.info.run_id}\nutc_time_created: '2026-01-12 10:0${i}:00.000000'\n`], ['data/model.pth', 'x'.repeat(120000 * (i + 1))], ['conda.yaml', 'name: mlflow-env\n'], ['requirements.txt', 'torch==2.2.1\n']]) {
    await fetch(`${server.url}/demo/segmentation.mlflow/api/2.0/mlflow-artifacts/artifacts/${root}/model/${f}`, { method: 'PUT', headers: { Authorization: `Bearer ${TOKEN}` }, body: b });
  }
}
await ml('POST', 'registered-models/create', { name: 'seg-unet', description: 'U-Net that segments defects in the demo images.', tags: [{ key: 'task', value: 'segmentation' }] });
await ml('POST', 'registered-models/create', { name: 'debris-detector' });
for (const run of runs) await ml('POST', 'model-versions/create', { name: 'seg-unet', source: `runs:/${run.info.run_id}/model`, run_id: run.info.run_id, description: 'Trained on the v2 data.', tags: [{ key: 'validated', value: 'true' }] });
await ml('POST', 'model-versions/create', { name: 'debris-detector', source: `runs:/${runs[2].info.run_id}/model`, run_id: runs[2].info.run_id });
await ml('POST', 'registered-models/alias', { name: 'seg-unet', alias: 'champion', version: '1' });
await ml('POST', 'registered-models/alias', { name: 'seg-unet', alias: 'challenger', version: '3' });

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const shots = [
  ['models', '/demo/segmentation/models'],
  ['model', '/demo/segmentation/models/seg-unet'],
  ['version', '/demo/segmentation/models/seg-unet/versions/1'],
  ['data', '/demo/segmentation/data'],
  ['notebooks', '/demo/segmentation/notebooks'],
  ['run', `/demo/segmentation/experiments/runs/${runs[0].info.run_id}`],
];
for (const scheme of ['light', 'dark'] as const) {
  const ctx = await browser.newContext({ colorScheme: scheme, viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/sign-in`);
  await page.getByPlaceholder('user name').fill('admin');
  await page.getByPlaceholder('password').fill('shots-pw');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${server.url}/`);
  await page.goto(`${server.url}/demo/segmentation/experiments`);
  await page.waitForTimeout(6000);
  for (const width of [1400, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    for (const [name, url] of shots) {
      await page.goto(server.url + url);
      await page.waitForTimeout(3500);
      await page.screenshot({ path: `${out}/${name}-${width}-${scheme}.png`, fullPage: true });
    }
  }
  await ctx.close();
}
await browser.close();
await server.stop();
fs.rmSync(appDir, { recursive: true, force: true });
console.log('done');
