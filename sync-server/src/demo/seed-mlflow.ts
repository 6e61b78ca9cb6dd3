import type { MetricPoint } from '@cairn/core';
import type { MlflowStores } from '../mlflow/feature.ts';
import type { DemoHistory } from './history.ts';
import { SeededRandom } from './seeded-random.ts';

/**
 * The demo's MLflow runs, written through the MLflow feature's stores: the four pipeline
 * trainings of the git history (experiment `pipeline`, one per commit that trained) and a
 * 32-run hyper-parameter sweep (experiment `unet-sweep`), each with a few hundred steps of
 * metric history. Run ids, values and times come from fixed seeds.
 */

export const SWEEP_STEPS = 300;
const LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003];
const BATCH_SIZES = [8, 16];
const ENCODERS = ['resnet18', 'resnet34', 'resnet50', 'efficientnet-b0'];
const BATCH_LIMIT = 1000;

export interface SeededRuns {
  experiments: Record<string, number>;
  runIds: string[];
}

export async function seedDemoRuns(
  { experiments, runs }: Pick<MlflowStores, 'experiments' | 'runs'>,
  repoId: number,
  history: DemoHistory,
  commitIds: string[],
): Promise<SeededRuns> {
  const random = new SeededRandom(20260112);
  const pipeline = await experiments.create(repoId, 'pipeline', undefined, [
    ['mlflow.note.content', 'One run per commit that ran `dvc repro` (see metrics.csv in each commit).'],
  ]);
  const sweep = await experiments.create(repoId, 'unet-sweep', undefined, [
    ['mlflow.note.content', 'Learning rate × batch size × encoder sweep on the v2 data.'],
  ]);
  const runIds: string[] = [];

  const logRun = async (spec: {
    experimentId: number;
    name: string;
    startTime: number;
    stepMs: number;
    params: Record<string, string | number>;
    tags: Array<[string, string]>;
    metrics: Record<string, number[]>;
    status: 'FINISHED' | 'FAILED';
  }) => {
    const runId = random.hex(32);
    await runs.create(repoId, {
      runId,
      experimentId: spec.experimentId,
      userId: 'demo',
      runName: spec.name,
      startTime: spec.startTime,
      tags: [['mlflow.user', 'demo'], ['mlflow.source.type', 'LOCAL'], ...spec.tags],
    });
    const points: MetricPoint[] = [];
    let steps = 0;
    for (const [key, values] of Object.entries(spec.metrics)) {
      steps = Math.max(steps, values.length);
      for (const [step, value] of values.entries()) {
        points.push({ key, value, step, timestamp: spec.startTime + step * spec.stepMs });
      }
    }
    await runs.logBatch(repoId, runId, {
      metrics: [],
      params: Object.entries(spec.params).map(([k, v]) => [k, String(v)]),
      tags: [],
    });
    for (let i = 0; i < points.length; i += BATCH_LIMIT) {
      await runs.logBatch(repoId, runId, { metrics: points.slice(i, i + BATCH_LIMIT), params: [], tags: [] });
    }
    await runs.update(repoId, runId, { status: spec.status, endTime: spec.startTime + steps * spec.stepMs });
    runIds.push(runId);
  };

  for (const t of history.trainings) {
    const commit = commitIds[t.commitIndex] as string;
    await logRun({
      experimentId: pipeline,
      name: `repro-${commit.slice(0, 7)}`,
      startTime: Date.parse(history.commits[t.commitIndex]?.date ?? '2026-01-12T00:00:00Z') - 3_600_000,
      stepMs: 47_000,
      params: { ...t.params.prepare, ...t.params.train, objects: t.raw.objects },
      tags: [
        ['mlflow.source.git.commit', commit],
        ['dvc.stage', 'train'],
      ],
      metrics: {
        train_loss: t.curve.map((c) => c.train_loss),
        val_loss: t.curve.map((c) => c.val_loss),
        val_iou: t.curve.map((c) => c.val_iou),
      },
      status: 'FINISHED',
    });
  }

  const sweepCommit = commitIds[5] as string;
  let start = Date.parse('2026-01-21T07:00:00Z');
  for (const encoder of ENCODERS) {
    for (const lr of LEARNING_RATES) {
      for (const batch of BATCH_SIZES) {
        const curve = sweepCurve(random, encoder, lr, batch);
        await logRun({
          experimentId: sweep,
          name: `unet-${encoder}-lr${lr}-bs${batch}`,
          startTime: start,
          stepMs: 12_000,
          params: { model: 'unet', encoder, learning_rate: lr, batch_size: batch, steps: SWEEP_STEPS },
          tags: [['mlflow.source.git.commit', sweepCommit]],
          metrics: curve.metrics,
          status: curve.diverged ? 'FAILED' : 'FINISHED',
        });
        start += SWEEP_STEPS * 12_000 + 600_000;
      }
    }
  }
  return { experiments: { pipeline, 'unet-sweep': sweep }, runIds };
}

/** Loss and IoU per step for one sweep point; a too-high rate with a big encoder diverges. */
function sweepCurve(random: SeededRandom, encoder: string, lr: number, batch: number) {
  const capacity = { resnet18: 0.64, resnet34: 0.68, resnet50: 0.72, 'efficientnet-b0': 0.7 }[encoder] ?? 0.65;
  const diverged = lr >= 0.003 && (encoder === 'resnet50' || batch === 8);
  const rateFit = 1 - Math.abs(Math.log10(lr) - Math.log10(0.001)) * 0.12;
  const speed = 30 + 0.01 / lr;
  const train_loss: number[] = [];
  const val_loss: number[] = [];
  const val_iou: number[] = [];
  const learning_rate: number[] = [];
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  for (let step = 0; step < SWEEP_STEPS; step++) {
    const p = 1 - Math.exp(-step / speed);
    const blowUp = diverged && step > 120 ? (step - 120) / 40 : 0;
    train_loss.push(round(1.1 * (1 - p) + 0.07 + blowUp + 0.02 * Math.abs(random.normal()) * (16 / batch)));
    val_loss.push(round(1.15 * (1 - p) + 0.11 + blowUp * 1.2 + 0.015 * Math.abs(random.normal())));
    val_iou.push(round(Math.max(0, capacity * rateFit * p - blowUp * 0.1 + 0.008 * random.normal())));
    learning_rate.push(round(lr * 0.5 * (1 + Math.cos((Math.PI * step) / SWEEP_STEPS))));
  }
  return { diverged, metrics: { train_loss, val_loss, val_iou, learning_rate } };
}
