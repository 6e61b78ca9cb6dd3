/**
 * Experiments while training runs: the experiments tab of a repository is open in Chromium,
 * a script logs a run to the server's MLflow endpoint with @cairn/logger, and the run's row and
 * its metric appear (and move on) without a reload. Then the run page of that run: params,
 * metrics with a history chart, tags, and the artifacts logged with MLflow's artifacts API,
 * listed (folders too) and downloadable.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLogger } from '../../packages/logger/src/index.ts';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { createRepo } from '../support/create-repo.ts';
import { blanked, watchForBlanking } from '../support/e2e-page.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TOKEN = 'cairn_experiments_live_token_0001';
const BASE_COMMIT = 'a'.repeat(40);
const RUN_COMMIT = 'b'.repeat(40);

describe.skipIf(!e2eAvailable())('experiments of a repository while a run is logged', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let mlflowUri: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-exp-live-'));

  beforeAll(async () => {
    server = await startTestServer({ CAIRN_ADMIN_PASSWORD: 'experiments-live-pw', CAIRN_ADMIN_TOKEN: TOKEN });
    const created = await createRepo(server.url, TOKEN, { name: 'live', private: false });
    expect(created.status).toBeLessThan(300);
    mlflowUri = `${server.url}/admin/live.mlflow`;
    chrome = await launchChromium();
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const mlflow = async (endpoint: string, query: Record<string, string>) => {
    const res = await fetch(`${mlflowUri}/api/2.0/mlflow/${endpoint}?${new URLSearchParams(query)}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };

  const putArtifact = async (artifactUri: string, file: string, body: string) => {
    const root = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(artifactUri)?.[1];
    expect(root).toBeTruthy();
    const res = await fetch(`${mlflowUri}/api/2.0/mlflow-artifacts/artifacts/${root}/${file}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/octet-stream' },
      body,
    });
    expect(res.status).toBe(200);
  };

  it('a run logged while the tab is open appears with its metric, then its run page has it all', async () => {
    const page = await chrome.context.newPage();
    await page.goto(`${server.url}/admin/live/experiments`);
    const status = page.getByTestId('runs-status');
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toMatch(/^0 of 0 runs.*synced/);

    // Training code logs a run while the user looks at the (empty) table; an earlier run of
    // the same project, at another commit, is there to compare code with.
    const earlier = makeLogger({
      files: false,
      runName: 'baseline',
      tags: { 'mlflow.source.git.commit': BASE_COMMIT },
      gitTags: false,
      mlflow: { trackingUri: mlflowUri, experimentName: 'live', token: TOKEN, queueDir: path.join(dir, 'q0') },
    });
    earlier.logMetrics({ val_loss: 0.9 }, 0);
    expect(await earlier.end()).toMatchObject({ pending: 0, failed: 0 });
    const log = makeLogger({
      files: false,
      runName: 'live-run',
      tags: { team: 'vision', 'mlflow.source.git.commit': RUN_COMMIT, 'mlflow.source.git.branch': 'main' },
      mlflow: {
        trackingUri: mlflowUri,
        experimentName: 'live',
        token: TOKEN,
        queueDir: path.join(dir, 'queue'),
        retry: false,
      },
    });
    log.logParams({ optimizer: 'adamw', lr: 0.003 });
    for (let step = 0; step < 5; step++) log.logMetrics({ val_loss: 0.75 - step / 8 }, step);
    expect(await log.flush()).toMatchObject({ pending: 0, failed: 0 });

    const row = page.getByTestId('run-row').filter({ hasText: 'live-run' });
    await row.waitFor({ timeout: 30_000 });
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('0.25'); // val_loss at step 4
    expect(await row.textContent()).toContain('adamw');
    await expect.poll(() => status.textContent()).toMatch(/^2 of 2 runs/);

    // The run goes on: its row follows, still without a reload.
    log.logMetrics({ val_loss: 0.0625 }, 5);
    const ended = await log.end();
    expect(ended).toMatchObject({ pending: 0, failed: 0 });
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('0.0625');
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('FINISHED');

    // Artifacts, as MLflow clients upload them (a file and a folder with a file in it).
    const exp = (await mlflow('experiments/get-by-name', { experiment_name: 'live' })) as {
      experiment: { experiment_id: string };
    };
    const found = (await mlflow('runs/search', {
      experiment_ids: exp.experiment.experiment_id,
      filter: "attributes.run_name = 'live-run'",
    })) as { runs: Array<{ info: { run_id: string; artifact_uri: string } }> };
    expect(found.runs).toHaveLength(1);
    const info = found.runs[0]!.info;
    await putArtifact(info.artifact_uri, 'report.txt', 'val_loss went down\n');
    await putArtifact(info.artifact_uri, 'model/MLmodel', 'flavors: {}\n');

    // The run page.
    await row.getByRole('link', { name: 'live-run' }).click();
    const runPage = page.getByTestId('run-page');
    await runPage.waitFor();
    await expect.poll(() => runPage.textContent(), { timeout: 20_000 }).toContain(info.run_id);
    const text = (await runPage.textContent()) ?? '';
    expect(text).toContain('optimizer');
    expect(text).toContain('adamw');
    expect(text).toContain('val_loss');
    expect(text).toMatch(/last 0\.0625/);
    expect(text).toContain('team');
    expect(text).toContain('vision');
    expect(text).not.toContain('cairn.client_run_id'); // the logger's bookkeeping tag stays hidden
    // The commit it belongs to, and its code compared with another run's commit.
    expect(await runPage.getByTestId('run-commit').textContent()).toContain(RUN_COMMIT.slice(0, 10));
    expect(await runPage.getByTestId('run-commit').getByRole('link').getAttribute('href')).toBe(
      `/admin/live/commit/${RUN_COMMIT}`,
    );
    const codeLink = runPage.getByTestId('compare-code-link');
    expect(await codeLink.getAttribute('href')).toBe(`/admin/live/compare/main...${RUN_COMMIT}`);
    await runPage.getByLabel("Compare this run's code with").selectOption(BASE_COMMIT);
    await expect.poll(() => codeLink.getAttribute('href')).toBe(`/admin/live/compare/${BASE_COMMIT}...${RUN_COMMIT}`);
    await runPage.getByTestId('history-chart').locator('canvas').first().waitFor({ timeout: 20_000 });

    const artifacts = runPage.getByTestId('run-artifacts');
    await expect.poll(() => artifacts.textContent(), { timeout: 20_000 }).toContain('report.txt');
    expect(await artifacts.textContent()).toContain('model');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      artifacts.getByRole('button', { name: 'Download report.txt' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('report.txt');
    const saved = path.join(dir, 'report.txt');
    await download.saveAs(saved);
    expect(fs.readFileSync(saved, 'utf8')).toBe('val_loss went down\n');

    // A folder opens to show what it holds, and its files download too.
    await artifacts.getByRole('button', { name: 'Open model' }).click();
    await expect.poll(() => artifacts.textContent(), { timeout: 20_000 }).toContain('MLmodel');
    const [nested] = await Promise.all([
      page.waitForEvent('download'),
      artifacts.getByRole('button', { name: 'Download model/MLmodel' }).click(),
    ]);
    const savedNested = path.join(dir, 'MLmodel');
    await nested.saveAs(savedNested);
    expect(fs.readFileSync(savedNested, 'utf8')).toBe('flavors: {}\n');

    // A link to a run this device has not synced yet (nothing polls on the run page) opens it.
    const later = makeLogger({
      files: false,
      runName: 'shared-link-run',
      gitTags: false,
      mlflow: { trackingUri: mlflowUri, experimentName: 'live', token: TOKEN, queueDir: path.join(dir, 'q3') },
    });
    later.logParams({ optimizer: 'sgd' });
    expect(await later.flush()).toMatchObject({ pending: 0, failed: 0 });
    const laterRun = (await mlflow('runs/search', {
      experiment_ids: exp.experiment.experiment_id,
      filter: "attributes.run_name = 'shared-link-run'",
    })) as { runs: Array<{ info: { run_id: string } }> };
    await page.goto(`${server.url}/admin/live/experiments/runs/${laterRun.runs[0]!.info.run_id}`);
    await expect.poll(() => runPage.textContent(), { timeout: 20_000 }).toContain('shared-link-run');
    expect(await runPage.textContent()).toContain('sgd');

    // The run is still running: what it logs next shows up on its page, without a reload, and the
    // page stays meanwhile (reading its run again used to take the whole page away each time).
    await watchForBlanking(page);
    for (let step = 0; step < 3; step++) later.logMetrics({ accuracy: 0.5 + step / 8 }, step);
    expect(await later.flush()).toMatchObject({ pending: 0, failed: 0 });
    await expect.poll(() => runPage.textContent(), { timeout: 30_000 }).toMatch(/accuracy.*last 0\.75/);
    await runPage.getByTestId('history-chart').locator('canvas').first().waitFor({ timeout: 20_000 });
    expect(await later.end()).toMatchObject({ pending: 0, failed: 0 });
    await expect.poll(() => runPage.textContent(), { timeout: 30_000 }).toContain('FINISHED');
    expect(await blanked(page)).toEqual([]);
  });
});
