import type { EpochMetrics } from './pipeline.ts';
import { annotationRows, LABELS, type RawDataVersion } from './raw-data.ts';

/**
 * `notebooks/exploration.ipynb` (nbformat 4.5) in three versions: a first look at the data,
 * then the class balance, then the training results — so the notebook changes between
 * commits the way a real one does (cells added, outputs updated).
 */

type Cell = Record<string, unknown>;

function markdown(id: string, text: string): Cell {
  return { cell_type: 'markdown', id, metadata: {}, source: lines(text) };
}

function code(id: string, count: number, text: string, output: string): Cell {
  return {
    cell_type: 'code',
    execution_count: count,
    id,
    metadata: {},
    outputs: [{ name: 'stdout', output_type: 'stream', text: lines(output) }],
    source: lines(text),
  };
}

/** Jupyter stores multi-line strings as a list of lines, each but the last ending in \n. */
function lines(text: string): string[] {
  const parts = text.split('\n');
  return parts.map((p, i) => (i < parts.length - 1 ? `${p}\n` : p)).filter((p) => p !== '');
}

export interface NotebookInput {
  version: 1 | 2 | 3;
  raw: RawDataVersion;
  curve?: EpochMetrics[];
}

export function explorationNotebook({ version, raw, curve }: NotebookInput): string {
  const rows = annotationRows(raw);
  const images = new Set(rows.map((r) => r.imageId)).size;
  const cells: Cell[] = [
    markdown('a1f0c2d4', '# Exploring the segmentation annotations\n\nWhat is in `data/raw/annotations.csv`?'),
    code(
      'b2e1d3c5',
      1,
      'import pandas as pd\n\ndf = pd.read_csv("../data/raw/annotations.csv")\nprint(df.shape, df.image_id.nunique())',
      `(${rows.length}, 9) ${images}`,
    ),
  ];
  if (version >= 2) {
    const counts = LABELS.map((l) => `${l.padEnd(10)}${String(rows.filter((r) => r.label === l).length).padStart(6)}`);
    cells.push(
      markdown('c3d2e4f6', '## Class balance\n\nDebris is rare: consider weighting the loss.'),
      code('d4c3f5a7', 2, 'print(df.label.value_counts().to_string())', counts.join('\n')),
    );
  }
  if (version >= 3 && curve) {
    const last = curve.at(-1) as EpochMetrics;
    cells.push(
      markdown('e5b4a6b8', '## Training results\n\nValidation IoU per epoch (from `metrics.csv`).'),
      code(
        'f6a5b7c9',
        3,
        'm = pd.read_csv("../metrics.csv")\nprint(m[m.Name == "val_iou"].Value.round(3).tolist())',
        `[${curve.map((c) => c.val_iou.toFixed(3)).join(', ')}]\nfinal IoU ${last.val_iou.toFixed(3)}`,
      ),
    );
  }
  const notebook = {
    cells,
    metadata: {
      kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' },
      language_info: { name: 'python', version: '3.11.6' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return `${JSON.stringify(notebook, null, 1)}\n`;
}
