/**
 * A folder's `.dir` manifest as DVC hashes it (FORMATS §1.3): entries sorted by relpath in code
 * point order, serialised like Python's `json.dumps(sort_keys=True)` with `ensure_ascii`.
 */
import { md5 } from 'hash-wasm';

export interface ManifestFile {
  relpath: string;
  md5: string;
  size: number;
}

export interface DirManifest {
  oid: string;
  bytes: Uint8Array;
  size: number;
}

/** Python's json.dumps string escaping with ensure_ascii=True. */
function pyJsonString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || (code >= 0x7f && code <= 0xffff)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else if (code > 0xffff) {
      for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

export async function dirManifest(files: readonly ManifestFile[]): Promise<DirManifest> {
  const sorted = [...files].sort((a, b) => byCodePoint(a.relpath, b.relpath));
  const text = `[${sorted.map((f) => `{"md5": ${pyJsonString(f.md5)}, "relpath": ${pyJsonString(f.relpath)}}`).join(', ')}]`;
  const bytes = new TextEncoder().encode(text);
  return { oid: `${await md5(bytes)}.dir`, bytes, size: files.reduce((n, f) => n + f.size, 0) };
}
