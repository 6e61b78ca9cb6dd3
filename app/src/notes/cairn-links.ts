/**
 * Links Cairn understands inside a note, turned into Markdown links before rendering:
 * `run:ID` → the run's page, `commit:SHA` or a bare 40-hex commit id → the commit's page,
 * `path/to/file.ext@REF` → that file at that ref. Code spans and fenced code stay as written.
 */

const PATTERN =
  /(^|[\s(])(?:run:([A-Za-z0-9][A-Za-z0-9._:-]*[A-Za-z0-9])|commit:([0-9a-fA-F]{7,40})|([0-9a-f]{40})|((?:[A-Za-z0-9_.-]+\/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*\.[A-Za-z0-9]+)@([A-Za-z0-9][A-Za-z0-9._/-]*[A-Za-z0-9]|[A-Za-z0-9]))(?=$|[\s).,;:!?])/g;

const enc = (s: string) => s.split('/').map(encodeURIComponent).join('/');

function linkLine(line: string, base: string): string {
  // Leave inline code alone: split on backtick spans, rewrite the parts between.
  return line
    .split(/(`[^`]*`)/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(
            PATTERN,
            (_m, lead: string, run?: string, sha?: string, bare?: string, path?: string, ref?: string) => {
              if (run) return `${lead}[run:${run}](${base}/experiments/runs/${encodeURIComponent(run)})`;
              const commit = sha ?? bare;
              if (commit) return `${lead}[${sha ? `commit:${sha}` : bare}](${base}/commit/${commit.toLowerCase()})`;
              return `${lead}[${path}@${ref}](${base}/blob/${enc(ref as string)}/${enc(path as string)})`;
            },
          ),
    )
    .join('');
}

/** @example linkCairnRefs('see run:abc', 'ada/seg') // 'see [run:abc](/ada/seg/experiments/runs/abc)' */
export function linkCairnRefs(markdown: string, repo: string): string {
  const base = `/${repo}`;
  let fenced = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fenced = !fenced;
        return line;
      }
      return fenced || /^ {4}/.test(line) ? line : linkLine(line, base);
    })
    .join('\n');
}
