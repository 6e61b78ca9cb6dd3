/**
 * The pure part of the repository catalog: DVC-tracked outputs of a loaded pipeline (`.dvc` files
 * and every `dvc.lock`, paths made repository-relative), which stages make and use them, and a
 * notebook's summary (title = first Markdown heading, kernel, cells, first image output). No I/O:
 * the worker feeds it blobs, tests feed it text.
 */
import type { HashedEntry, RepoPipeline } from '@cairn/core';
import type { DatasetEntry, NotebookEntry } from './catalog-protocol.ts';

/** Joins repository-relative POSIX paths, resolving `.` and `..`. */
export function joinPath(...parts: string[]): string {
  const out: string[] = [];
  for (const seg of parts.join('/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

type Pipeline = Omit<RepoPipeline, 'errors'>;

function entryOf(
  e: HashedEntry,
  path: string,
  recordedIn: string,
  stage: string | null,
  cached: boolean,
): Omit<DatasetEntry, 'usedBy' | 'changes'> {
  const md5 = e.md5 ?? null;
  return {
    path,
    recordedIn,
    stage,
    md5,
    cached: cached && e.extra.cache !== false,
    legacy: e.hashKind !== 'md5',
    isDir: md5?.endsWith('.dir') ?? false,
    size: e.size ?? null,
    nfiles: e.nfiles ?? null,
  };
}

/** Every DVC-tracked output at one commit, sorted by path; `changes` left empty for the caller. */
export function datasetsOf(p: Pipeline): DatasetEntry[] {
  const out = new Map<string, DatasetEntry>();
  for (const { file, dvc } of p.dvcFiles) {
    for (const o of dvc.outs) {
      const path = joinPath(dirOf(file), o.path);
      out.set(path, { ...entryOf(o, path, file, null, true), usedBy: [], changes: [] });
    }
  }
  for (const [stageName, lock] of Object.entries(p.lock.stages)) {
    const src = p.sources[stageName];
    const stage = p.stages.find((s) => s.name === stageName);
    const base = joinPath(src?.dir ?? '', stage?.wdir ?? '.');
    const lockFile = src ? joinPath(src.dir, 'dvc.lock') : 'dvc.lock';
    for (const o of lock.outs) {
      const path = joinPath(base, o.path);
      // dvc.yaml says whether DVC caches it (`cache: false` keeps metrics and plots in git).
      const declared = stage?.outs.find((x) => joinPath(x.path) === joinPath(o.path));
      const cached = declared ? declared.cache : true;
      out.set(path, { ...entryOf(o, path, lockFile, stageName, cached), usedBy: [], changes: [] });
    }
  }
  for (const s of p.stages) {
    const base = joinPath(p.sources[s.name]?.dir ?? '', s.wdir);
    for (const dep of s.deps) {
      const d = joinPath(base, dep);
      for (const entry of out.values()) {
        if (
          (entry.path === d || entry.path.startsWith(`${d}/`) || d.startsWith(`${entry.path}/`)) &&
          !entry.usedBy.includes(s.name)
        )
          entry.usedBy.push(s.name);
      }
    }
  }
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** File kinds that hold a trained model. */
export const MODEL_EXTENSIONS = [
  '.pkl',
  '.pickle',
  '.joblib',
  '.onnx',
  '.pt',
  '.pth',
  '.ckpt',
  '.h5',
  '.keras',
  '.safetensors',
  '.pb',
  '.tflite',
  '.bin',
  '.cbm',
  '.model',
  '.gguf',
];

export function isModelFile(path: string): boolean {
  const lower = path.toLowerCase();
  return MODEL_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

const MAX_THUMBNAIL_CHARS = 300_000;

const textOf = (v: unknown): string => (Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '');

/** A notebook's summary; a file that is not a notebook gets `problem` instead of throwing. */
export function notebookSummary(path: string, text: string): Omit<NotebookEntry, 'lastChange'> {
  const empty = { path, title: null, kernel: null, cells: 0, thumbnail: null, preview: '', bytes: text.length };
  let nb: { cells?: unknown; metadata?: { kernelspec?: { display_name?: unknown; name?: unknown } } };
  try {
    nb = JSON.parse(text);
  } catch (err) {
    return { ...empty, problem: `Not valid JSON: ${(err as Error).message}` };
  }
  if (typeof nb !== 'object' || nb === null || !Array.isArray(nb.cells))
    return { ...empty, problem: 'Not an nbformat 4 notebook (no cells list).' };
  let title: string | null = null;
  let thumbnail: string | null = null;
  let preview = '';
  for (const cell of nb.cells as Array<Record<string, unknown>>) {
    if (preview === '' && cell?.cell_type === 'code')
      preview = textOf(cell.source).split('\n').slice(0, 8).join('\n').slice(0, 400);
    if (title === null && cell?.cell_type === 'markdown') {
      const m = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(textOf(cell.source));
      if (m) title = m[1]!;
    }
    if (thumbnail === null && cell?.cell_type === 'code' && Array.isArray(cell.outputs)) {
      for (const o of cell.outputs as Array<{ data?: Record<string, unknown> }>) {
        for (const mime of ['image/png', 'image/jpeg', 'image/gif']) {
          const b64 = textOf(o?.data?.[mime]).replace(/\s+/g, '');
          if (b64 && b64.length <= MAX_THUMBNAIL_CHARS && /^[A-Za-z0-9+/=]+$/.test(b64)) {
            thumbnail = `data:${mime};base64,${b64}`;
            break;
          }
        }
        if (thumbnail) break;
      }
    }
  }
  const ks = nb.metadata?.kernelspec;
  const kernel = typeof ks?.display_name === 'string' ? ks.display_name : typeof ks?.name === 'string' ? ks.name : null;
  return { ...empty, title, kernel, cells: nb.cells.length, thumbnail, preview, problem: null };
}

/** A commit subject cut at a word boundary, with an ellipsis when cut. */
export function shortMessage(message: string, max: number): string {
  if (message.length <= max) return message;
  const cut = message.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}
