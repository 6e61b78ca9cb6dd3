/**
 * A Jupyter notebook (nbformat 4, docs/FORMATS.md §5) turned into what the notebook viewer draws:
 * cells with their source as one string and outputs reduced to one representation each, chosen
 * by Jupyter's display priority. Untrusted content stays marked: HTML outputs are shown only in
 * a sandboxed frame, Markdown is rendered through the sanitiser, images become data URLs.
 */
import { CairnError } from '@cairn/core/errors';

export type OutputView =
  | { kind: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { kind: 'text'; text: string; executionCount: number | null }
  | { kind: 'html'; html: string }
  | { kind: 'markdown'; markdown: string }
  | { kind: 'image'; src: string; mime: string }
  | { kind: 'json'; text: string }
  | { kind: 'error'; ename: string; evalue: string; traceback: string };

export type CellView =
  | { kind: 'markdown'; markdown: string }
  | { kind: 'raw'; source: string }
  | { kind: 'code'; source: string; executionCount: number | null; outputs: OutputView[] };

export interface NotebookView {
  language: string;
  nbformat: string;
  cells: CellView[];
}

export class NotebookError extends CairnError<'notebook_invalid'> {
  override readonly name = 'NotebookError';
  constructor(
    message: string,
    readonly file: string,
  ) {
    super('notebook_invalid', `${file}: ${message}`);
  }
}

type Json = Record<string, unknown>;

/** nbformat allows a string or a list of lines (each keeping its "\n"). */
function joinSource(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : '')).join('');
  return '';
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are control characters.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Tracebacks and streams carry terminal colour codes; the viewer shows plain text. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

const IMAGE_MIMES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/** One representation of a mime bundle, in Jupyter's order of preference. */
function fromBundle(data: Json, executionCount: number | null): OutputView | null {
  if ('text/html' in data) return { kind: 'html', html: joinSource(data['text/html']) };
  if ('text/markdown' in data) return { kind: 'markdown', markdown: joinSource(data['text/markdown']) };
  if ('image/svg+xml' in data) {
    // Shown through <img>, where an SVG cannot run scripts.
    const svg = joinSource(data['image/svg+xml']);
    return { kind: 'image', mime: 'image/svg+xml', src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` };
  }
  for (const mime of IMAGE_MIMES) {
    if (mime in data) {
      const b64 = joinSource(data[mime]).replace(/\s+/g, '');
      return { kind: 'image', mime, src: `data:${mime};base64,${b64}` };
    }
  }
  if ('application/json' in data) return { kind: 'json', text: JSON.stringify(data['application/json'], null, 2) };
  if ('text/plain' in data) return { kind: 'text', text: joinSource(data['text/plain']), executionCount };
  return null;
}

function toOutput(raw: unknown): OutputView | null {
  const o = (raw ?? {}) as Json;
  switch (o.output_type) {
    case 'stream':
      return { kind: 'stream', name: o.name === 'stderr' ? 'stderr' : 'stdout', text: stripAnsi(joinSource(o.text)) };
    case 'error':
      return {
        kind: 'error',
        ename: String(o.ename ?? ''),
        evalue: String(o.evalue ?? ''),
        traceback: stripAnsi(Array.isArray(o.traceback) ? o.traceback.join('\n') : ''),
      };
    case 'display_data':
    case 'execute_result':
    case 'pyout': {
      const count = typeof o.execution_count === 'number' ? o.execution_count : null;
      return fromBundle((o.data ?? {}) as Json, count);
    }
    default:
      return null;
  }
}

/** Markdown cells refer to their attachments as `attachment:NAME`; inline them as data URLs. */
function inlineAttachments(markdown: string, attachments: unknown): string {
  if (!attachments || typeof attachments !== 'object') return markdown;
  return markdown.replace(/attachment:([^\s)"']+)/g, (whole, name: string) => {
    const bundle = (attachments as Record<string, Json>)[decodeURIComponent(name)];
    if (!bundle) return whole;
    const mime = Object.keys(bundle).find((m) => m.startsWith('image/'));
    return mime ? `data:${mime};base64,${joinSource(bundle[mime]).replace(/\s+/g, '')}` : whole;
  });
}

/**
 * @example notebookView(await file.text(), 'analysis.ipynb').cells.length
 */
export function notebookView(text: string, file: string): NotebookView {
  let nb: Json;
  try {
    nb = JSON.parse(text) as Json;
  } catch (error) {
    throw new NotebookError(`not JSON (${(error as Error).message})`, file);
  }
  if (!nb || typeof nb !== 'object' || !Array.isArray(nb.cells)) {
    throw new NotebookError(
      typeof nb?.nbformat === 'number' && nb.nbformat < 4
        ? 'nbformat 3 and older are not supported'
        : 'no `cells` list',
      file,
    );
  }
  const meta = (nb.metadata ?? {}) as Json;
  const language =
    String(((meta.language_info ?? {}) as Json).name ?? ((meta.kernelspec ?? {}) as Json).language ?? 'python') ||
    'python';
  const cells = (nb.cells as unknown[]).map((raw): CellView => {
    const c = (raw ?? {}) as Json;
    const source = joinSource(c.source);
    if (c.cell_type === 'markdown') return { kind: 'markdown', markdown: inlineAttachments(source, c.attachments) };
    if (c.cell_type === 'code') {
      const outputs = Array.isArray(c.outputs)
        ? c.outputs.map(toOutput).filter((o): o is OutputView => o !== null)
        : [];
      return {
        kind: 'code',
        source,
        executionCount: typeof c.execution_count === 'number' ? c.execution_count : null,
        outputs,
      };
    }
    return { kind: 'raw', source };
  });
  return { language, nbformat: `${nb.nbformat ?? 4}.${nb.nbformat_minor ?? 0}`, cells };
}
