/**
 * Reads the outs of a `.dvc` pointer file (FORMATS.md §1.5) for the file browser: where each
 * out lies and which data object holds it. DVC 3 outs carry `hash: md5`; without it the value is
 * a legacy (md5-dos2unix) hash stored in the DVC 2 layout. Old stage-style files (DVC 0.x/1.x:
 * `cmd`, `deps`, `outs` with `metric: true`) parse too. Outs kept in git (`cache: false`) or
 * without an md5 (external outputs) are not data the browser can fetch and are left out.
 */
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';

export interface DvcOut {
  /** As written: relative to the `.dvc` file's folder, POSIX separators. */
  path: string;
  /** The data object: md5 hex for a file, md5 hex + `.dir` for a folder. */
  oid: string;
  isDir: boolean;
  /** True for DVC 2 (md5-dos2unix) hashes: the object lives in the DVC 2 remote layout. */
  legacy: boolean;
  size: number | null;
  nfiles: number | null;
}

export class DvcPointerError extends Error {
  override readonly name = 'DvcPointerError';
  readonly code = 'DVC_POINTER_INVALID';
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(line ? `${file}:${line}:${column ?? 1}: ${message}` : `${file}: ${message}`);
  }
}

const OID = /^[0-9a-f]{32}(\.dir)?$/;

/**
 * The data outs of a `.dvc` file.
 * @example parseDvcPointer('outs:\n- md5: 22a1…\n  size: 14445097\n  hash: md5\n  path: data.xml\n', 'data/data.xml.dvc')
 */
export function parseDvcPointer(text: string, file: string): DvcOut[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    throw new DvcPointerError(first.message.split('\n')[0] ?? 'invalid YAML', file, pos?.line, pos?.col);
  }
  if (!isMap(doc.contents)) throw new DvcPointerError('expected a mapping with `outs`', file);
  const outs = doc.contents.get('outs', true);
  if (outs === undefined) return [];
  if (!isSeq(outs)) throw new DvcPointerError('`outs` must be a list', file, ...position(outs, lineCounter));
  const result: DvcOut[] = [];
  for (const item of outs.items) {
    if (!isMap(item)) throw new DvcPointerError('each out must be a mapping', file, ...position(item, lineCounter));
    const out = item.toJSON() as Record<string, unknown>;
    if (typeof out.path !== 'string' || out.path === '') {
      throw new DvcPointerError('an out has no `path`', file, ...position(item, lineCounter));
    }
    if (out.cache === false || typeof out.md5 !== 'string') continue;
    const oid = out.md5.toLowerCase();
    if (!OID.test(oid))
      throw new DvcPointerError(`“${out.md5}” is not an md5 hash`, file, ...position(item, lineCounter));
    result.push({
      path: out.path.replace(/\\/g, '/').replace(/\/+$/, ''),
      oid,
      isDir: oid.endsWith('.dir'),
      legacy: out.hash !== 'md5',
      size: typeof out.size === 'number' ? out.size : null,
      nfiles: typeof out.nfiles === 'number' ? out.nfiles : null,
    });
  }
  return result;
}

function position(node: unknown, lc: LineCounter): [number?, number?] {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (!range) return [];
  const { line, col } = lc.linePos(range[0]);
  return [line, col];
}
