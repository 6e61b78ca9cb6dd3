/**
 * Links Cairn understands inside a note, as a marked extension (so marked's own reading of the
 * Markdown decides what is code: references inside code spans and code blocks are never seen):
 * `run:ID` → the run's page, `commit:SHA` or a bare 40-hex commit id → the commit's page,
 * `path/to/file.ext@REF` → that file at that ref, and live values — `run:ID/metrics.KEY` (the
 * metric's last value) and `run:ID/params.KEY` (the param as logged) — shown as the value
 * itself, linked to the run. Pure: values come from the caller's lookup (note-run-values.ts
 * reads them from the device's run store); only marked's types are imported.
 */
import type { MarkedExtension, Tokens } from 'marked';

/** A live value a note names: `run:ID/metrics.KEY` or `run:ID/params.KEY`. */
export interface ValueRef {
  run: string;
  field: 'metrics' | 'params';
  key: string;
}

/** A value as the note shows it, or the words shown instead when there is none. */
export type ValueAnswer = { text: string } | { missing: string };

/** null: not known yet (the store is still being read). */
export type ValueLookup = (ref: ValueRef) => ValueAnswer | null;

const RUN_ID = '[A-Za-z0-9](?:[A-Za-z0-9._:-]*[A-Za-z0-9])?';
// Metric and param keys as MLflow and DVC write them (`val_iou`, `train/loss`, `model.depth`);
// a key ends in a letter, digit or `_`, so a sentence's full stop after it is not part of it.
const KEY = '[A-Za-z0-9_](?:[A-Za-z0-9_./-]*[A-Za-z0-9_])?';
const REF = `(?:run:(${RUN_ID})(?:/(metrics|params)\\.(${KEY}))?|commit:([0-9a-fA-F]{7,40})|([0-9a-f]{40})|((?:[A-Za-z0-9_.-]+/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*\\.[A-Za-z0-9]+)@([A-Za-z0-9][A-Za-z0-9._/-]*[A-Za-z0-9]|[A-Za-z0-9]))(?=$|[\\s).,;:!?])`;
/** A reference at the start of the text marked hands over. */
const AT_START = new RegExp(`^${REF}`);
/** Where the next reference may start: after a space or an opening parenthesis, or at the start. */
const ANYWHERE = new RegExp(`(?:^|(?<=\\s|(?<!\\])\\())${REF}`);

interface RefToken extends Tokens.Generic {
  type: 'cairnRef';
  raw: string;
  href: string;
  /** What the link reads (the reference as written; a value's own text is looked up when rendered). */
  label: string;
  value?: ValueRef;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const enc = (s: string) => s.split('/').map(encodeURIComponent).join('/');

/** The reference at the start of `src`, as a token, or undefined. */
function readRef(src: string, base: string): RefToken | undefined {
  const m = AT_START.exec(src);
  if (!m) return undefined;
  const [raw, run, field, key, sha, bare, path, ref] = m as unknown as (string | undefined)[];
  const token = (href: string, extra: Partial<RefToken> = {}): RefToken => ({
    type: 'cairnRef',
    raw: raw as string,
    href,
    label: raw as string,
    ...extra,
  });
  if (run) {
    const href = `${base}/experiments/runs/${encodeURIComponent(run)}`;
    return field && key ? token(href, { value: { run, field: field as ValueRef['field'], key } }) : token(href);
  }
  const commit = sha ?? bare;
  if (commit) return token(`${base}/commit/${commit.toLowerCase()}`);
  return token(`${base}/blob/${enc(ref as string)}/${enc(path as string)}`);
}

/** The value's link: its text, or why there is none, or the reference while values are read. */
function renderValue(t: RefToken, ref: ValueRef, values: ValueLookup | undefined): string {
  const answer = values ? values(ref) : null;
  const cls = answer === null ? 'cairn-value pending' : 'text' in answer ? 'cairn-value' : 'cairn-value missing';
  const shown = answer === null ? t.label : 'text' in answer ? answer.text : answer.missing;
  const title = `${ref.field === 'metrics' ? 'metric' : 'param'} ${ref.key} of run ${ref.run}`;
  return `<a class="${cls}" href="${escapeHtml(t.href)}" title="${escapeHtml(title)}" data-ref="${escapeHtml(t.label)}">${escapeHtml(shown)}</a>`;
}

/**
 * The marked extension for a note of repository `repo` (`OWNER/REPO`). `values` answers live
 * values; it is asked for every value the note shows, so a caller learns from it which runs to
 * read. A value renders as a link with `class="cairn-value"` (`missing` when there is none,
 * `pending` before it is known) and `data-ref` naming the reference.
 * @example new Marked(cairnRefs('ada/seg')).parse('see run:abc') // '<p>see <a href="/ada/seg/experiments/runs/abc">run:abc</a></p>\n'
 */
export function cairnRefs(repo: string, values?: ValueLookup): MarkedExtension {
  const base = `/${repo}`;
  return {
    extensions: [
      {
        name: 'cairnRef',
        level: 'inline',
        start(src) {
          const m = ANYWHERE.exec(src);
          return m ? m.index : undefined;
        },
        tokenizer(src, tokens) {
          // Not inside a link's text (links do not nest), and only after a space, a "(" that
          // does not open a link's target, or at the start of the text.
          if (this.lexer.state.inLink) return undefined;
          const before = (tokens[tokens.length - 1]?.raw ?? '').slice(-2);
          const last = before.slice(-1);
          if (before && !/\s/.test(last) && !(last === '(' && before !== '](')) return undefined;
          return readRef(src, base);
        },
        renderer(token) {
          const t = token as RefToken;
          if (t.value) return renderValue(t, t.value, values);
          return `<a href="${escapeHtml(t.href)}">${escapeHtml(t.label)}</a>`;
        },
      },
    ],
  };
}
