import { type DagshubMetricRow, serializeDagshubMetrics, serializeDagshubParams } from '@cairn/core';
import { type AnnotationRow, annotationRows, type RawDataVersion } from './raw-data.ts';
import { SeededRandom } from './seeded-random.ts';

/**
 * The demo's 3-stage pipeline (prepare → train → evaluate): `dvc.yaml`, the scripts it runs,
 * `params.yml`, and — since nothing is really trained — the outputs those scripts would
 * write, derived deterministically from the data and the params: the prepared split, a model
 * file, `metrics.json`, and the DagsHub logger's `metrics.csv`.
 */

export interface DemoParams {
  prepare: { image_size: number; val_split: number; seed: number };
  train: { model: string; encoder: string; learning_rate: number; epochs: number; batch_size: number };
}

export const PARAMS_V1: DemoParams = {
  prepare: { image_size: 64, val_split: 0.2, seed: 42 },
  train: { model: 'unet', encoder: 'resnet34', learning_rate: 0.0003, epochs: 20, batch_size: 16 },
};
export const PARAMS_V2: DemoParams = { ...PARAMS_V1, train: { ...PARAMS_V1.train, learning_rate: 0.001, epochs: 30 } };
export const PARAMS_V3: DemoParams = { ...PARAMS_V2, train: { ...PARAMS_V2.train, encoder: 'resnet50' } };

export const PREPARE_PARAMS = ['prepare.image_size', 'prepare.val_split', 'prepare.seed'];
export const TRAIN_PARAMS = ['train.model', 'train.encoder', 'train.learning_rate', 'train.epochs', 'train.batch_size'];

export function paramsYml(params: DemoParams): string {
  return serializeDagshubParams(params as unknown as Record<string, unknown>);
}

/** The flat dotted values of `keys`, as `dvc.lock` records them. */
export function paramValues(params: DemoParams, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const [section, name] = key.split('.') as [keyof DemoParams, string];
    out[key] = (params[section] as Record<string, unknown>)[name];
  }
  return out;
}

export const DVC_YAML = {
  stages: {
    prepare: {
      cmd: 'python src/prepare.py',
      deps: ['data/raw/annotations.csv', 'data/raw/images', 'src/prepare.py'],
      params: [{ 'params.yml': PREPARE_PARAMS }],
      outs: ['data/prepared'],
    },
    train: {
      cmd: 'python src/train.py',
      deps: ['data/prepared', 'src/train.py'],
      params: [{ 'params.yml': TRAIN_PARAMS }],
      outs: ['models/model.pkl'],
    },
    evaluate: {
      cmd: 'python src/evaluate.py',
      deps: ['models/model.pkl', 'data/prepared', 'src/evaluate.py'],
      metrics: [{ 'metrics.json': { cache: false } }],
    },
  },
};

/** data/prepared: the annotations split into train/val by image, as prepare.py does. */
export function preparedFiles(raw: RawDataVersion, params: DemoParams): Map<string, Uint8Array> {
  const rows = annotationRows(raw);
  const random = new SeededRandom(params.prepare.seed);
  const valImages = new Set<string>();
  for (const id of [...new Set(rows.map((r) => r.imageId))]) {
    if (random.next() < params.prepare.val_split) valImages.add(id);
  }
  const csv = (subset: AnnotationRow[]) =>
    `${['image_id,label,x,y,width,height', ...subset.map((r) => `${r.imageId},${r.label},${r.x},${r.y},${r.width},${r.height}`)].join('\n')}\n`;
  const encoder = new TextEncoder();
  return new Map([
    ['train.csv', encoder.encode(csv(rows.filter((r) => !valImages.has(r.imageId))))],
    ['val.csv', encoder.encode(csv(rows.filter((r) => valImages.has(r.imageId))))],
  ]);
}

export interface EpochMetrics {
  epoch: number;
  train_loss: number;
  val_loss: number;
  val_iou: number;
}

/** How training would have gone: better with more data, a bigger encoder and a tuned rate. */
export function trainingCurve(raw: RawDataVersion, params: DemoParams): EpochMetrics[] {
  const t = params.train;
  const random = new SeededRandom(Math.round(t.learning_rate * 1e6) + t.epochs * 7 + raw.objects);
  const ceiling =
    0.62 +
    (raw.objects - 3000) / 40_000 +
    (t.encoder === 'resnet50' ? 0.04 : 0) +
    (t.learning_rate >= 0.001 ? 0.03 : 0);
  const speed = 4 + 3000 * t.learning_rate;
  const out: EpochMetrics[] = [];
  for (let epoch = 1; epoch <= t.epochs; epoch++) {
    const progress = 1 - Math.exp(-epoch / speed);
    const round = (x: number) => Math.round(x * 1e6) / 1e6;
    out.push({
      epoch,
      train_loss: round(0.9 * (1 - progress) + 0.08 + 0.01 * random.normal()),
      val_loss: round(0.95 * (1 - progress) + 0.12 + 0.015 * random.normal()),
      val_iou: round(ceiling * progress + 0.01 * random.normal()),
    });
  }
  return out;
}

/** `metrics.csv` as the DagsHub logger writes it while train.py runs (ms timestamps). */
export function metricsCsv(curve: EpochMetrics[], startMs: number): string {
  const rows: DagshubMetricRow[] = [];
  for (const m of curve) {
    const timestamp = startMs + m.epoch * 47_000;
    for (const name of ['train_loss', 'val_loss', 'val_iou'] as const) {
      rows.push({ name, value: m[name], timestamp, step: m.epoch });
    }
  }
  return serializeDagshubMetrics(rows);
}

/** `metrics.json`, what evaluate.py reports for the final model. */
export function metricsJson(curve: EpochMetrics[]): string {
  const last = curve.at(-1) as EpochMetrics;
  const dice = Math.round(((2 * last.val_iou) / (1 + last.val_iou)) * 1e4) / 1e4;
  return `${JSON.stringify({ val_iou: last.val_iou, val_dice: dice, val_loss: last.val_loss }, null, 2)}\n`;
}

/** models/model.pkl: a header naming its training, then seeded float32 "weights". */
export function modelFile(raw: RawDataVersion, params: DemoParams): Uint8Array {
  const header = new TextEncoder().encode(
    `CAIRN-DEMO-MODEL ${JSON.stringify({ ...params.train, objects: raw.objects })}\n`,
  );
  const random = new SeededRandom(params.train.epochs * 131 + raw.objects + params.train.encoder.length);
  const weights = new Float32Array(params.train.encoder === 'resnet50' ? 24_576 : 16_384);
  for (let i = 0; i < weights.length; i++) weights[i] = random.normal() * 0.05;
  const out = new Uint8Array(header.length + weights.byteLength);
  out.set(header);
  out.set(new Uint8Array(weights.buffer), header.length);
  return out;
}

export const SOURCES: Record<string, string> = {
  'src/prepare.py': `"""Split the annotations into train and validation sets by image."""
import csv
import os
import random

import yaml

params = yaml.safe_load(open("params.yml"))["prepare"]
random.seed(params["seed"])

with open("data/raw/annotations.csv") as f:
    rows = list(csv.DictReader(f))

images = sorted({r["image_id"] for r in rows})
val = {i for i in images if random.random() < params["val_split"]}

os.makedirs("data/prepared", exist_ok=True)
for name, keep in (("train", lambda r: r["image_id"] not in val), ("val", lambda r: r["image_id"] in val)):
    with open(f"data/prepared/{name}.csv", "w", newline="") as out:
        w = csv.writer(out, lineterminator="\\n")
        w.writerow(["image_id", "label", "x", "y", "width", "height"])
        for r in filter(keep, rows):
            w.writerow([r["image_id"], r["label"], r["x"], r["y"], r["width"], r["height"]])
`,
  'src/train.py': `"""Train a U-Net on the prepared split; log metrics with the DagsHub logger."""
import yaml
from dagshub import dagshub_logger

from segmentation import build_unet, fit_epoch, load_split

params = yaml.safe_load(open("params.yml"))["train"]
train, val = load_split("data/prepared")
model = build_unet(encoder=params["encoder"])

with dagshub_logger(metrics_path="metrics.csv", should_log_hparams=False) as logger:
    for epoch in range(1, params["epochs"] + 1):
        stats = fit_epoch(model, train, val, lr=params["learning_rate"], batch_size=params["batch_size"])
        logger.log_metrics(stats, step_num=epoch)

model.save("models/model.pkl")
`,
  'src/evaluate.py': `"""Score the trained model on the validation split."""
import json

from segmentation import load_model, load_split, score

_, val = load_split("data/prepared")
model = load_model("models/model.pkl")
iou, dice, loss = score(model, val)
json.dump({"val_iou": iou, "val_dice": dice, "val_loss": loss}, open("metrics.json", "w"), indent=2)
`,
};
