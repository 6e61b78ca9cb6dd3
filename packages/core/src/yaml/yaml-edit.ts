/**
 * Writing YAML back: an unchanged value gives the original text byte for byte; a changed value
 * is merged into the original Document so key order, comments, quoting and unknown keys stay;
 * a value with no original is written the way DVC (ruamel.yaml) lays files out.
 */
import { Document, isMap, isScalar, isSeq, type Node, type ToStringOptions } from 'yaml';
import { deepEqual } from './deep-equal.ts';
import { loadYaml } from './load-yaml.ts';

/** How DVC lays out YAML it writes: sequences not indented under their key, `'2.0'` quoted. */
export const DVC_YAML_STYLE: ToStringOptions = { indentSeq: false, singleQuote: true, lineWidth: 0 };

/** Merges `value` into the document in place, keeping every node whose value did not change. */
export function updateDocument(doc: Document, value: unknown): void {
  doc.contents = mergeNode(doc, doc.contents as Node | null, value) as typeof doc.contents;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeNode(doc: Document, node: Node | null | undefined, value: unknown): Node | null {
  if (isMap(node) && isPlainObject(value)) {
    node.items = node.items.filter((p) => isScalar(p.key) && Object.hasOwn(value, String(p.key.value)));
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === k);
      if (pair) pair.value = mergeNode(doc, pair.value as Node | null, v);
      else node.items.push(doc.createPair(k, v));
    }
    return node;
  }
  if (isSeq(node) && Array.isArray(value)) {
    const old = node.items as (Node | null)[];
    node.items = value.map((v, i) => (i < old.length ? mergeNode(doc, old[i], v) : doc.createNode(v)));
    return node;
  }
  if (value === null && (node === null || node === undefined)) return null;
  if (isScalar(node) && (typeof value !== 'object' || value === null) && Object.is(node.value, value)) return node;
  const fresh = doc.createNode(value);
  // The comments around a replaced value belong to the key, not to the old value.
  if (node && typeof node === 'object') {
    if (node.comment !== undefined) fresh.comment = node.comment;
    if (node.commentBefore !== undefined) fresh.commentBefore = node.commentBefore;
    if (node.spaceBefore !== undefined) fresh.spaceBefore = node.spaceBefore;
  }
  return fresh;
}

/** True when the text indents block sequences under their parent key (`key:\n  - a`). */
export function indentsSequences(text: string): boolean {
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const m = /^( *)- /.exec(lines[i]!) ?? /^( *)-$/.exec(lines[i]!);
    if (!m) continue;
    let j = i - 1;
    while (j >= 0 && /^\s*(#.*)?$/.test(lines[j]!)) j--;
    if (j < 0) continue;
    const prev = lines[j]!;
    if (!/:\s*(#.*)?$/.test(prev)) continue;
    const prevIndent = /^ */.exec(prev)![0].length;
    return m[1]!.length > prevIndent;
  }
  return false;
}

/**
 * Writes `value` as YAML. With `original`, unchanged values give `original` back exactly and
 * changed ones keep its order, comments and layout.
 */
export function stringifyYamlPreserving(
  value: unknown,
  original?: string,
  style: ToStringOptions = DVC_YAML_STYLE,
): string {
  if (original !== undefined) {
    const loaded = loadYaml(original);
    if (loaded.ok) {
      if (deepEqual(loaded.value.data, value)) return original;
      updateDocument(loaded.value.doc, value);
      return loaded.value.doc.toString({ ...style, indentSeq: indentsSequences(original) });
    }
  }
  return new Document(value).toString(style);
}
