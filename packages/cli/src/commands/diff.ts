/**
 * `cairn diff`, `cairn params diff`, `cairn metrics diff`: what changed between two revisions
 * (`[a_rev [b_rev]]`, HEAD and the workspace by default) in DVC-tracked outputs, params and
 * metrics — computed by core, printed in DVC's shapes: the `Added:`/`Modified:` blocks and
 * `files summary` of `dvc diff`, the `Path Param|Metric a_rev b_rev [Change]` tables (tabulate
 * "plain", or "github" with `--md`), DVC's JSON with `--json`. Exit 0 whether or not anything
 * changed (as DVC); 1 for an unknown revision or an unreadable file; 2 for a usage mistake.
 */
import {
  type DirEntry,
  type DvcOutput,
  diffDvcOutputs,
  diffKeyFiles,
  dvcDiffJson,
  dvcDiffMarkdownRows,
  dvcOutputsOf,
  type KeyFileKind,
  keyDiffJson,
  keyDiffRows,
  keyFilesOf,
  layoutOf,
  pickKeys,
  readKeyValues,
  renderDvcDiff,
  renderTable,
} from '@cairn/core';
import { CliError } from '../cli-error.ts';
import { LocalCache } from '../local-cache.ts';
import { findRepo, type Repo } from '../repo.ts';
import { gitRoot, type RevisionFiles, revisionPair } from '../revision-files.ts';
import { hashWorkspacePath } from '../workspace-hash.ts';

export interface DiffOptions {
  json: boolean;
  md: boolean;
  all: boolean;
  noPath: boolean;
  showHash: boolean;
  hideMissing: boolean;
  precision?: number;
  targets: string[];
}

/** The DVC root, or (metrics and params work in any git repository) the git root. */
function rootOf(cwd: string, needDvc: boolean): { root: string; repo: Repo | null } {
  try {
    const repo = findRepo(cwd);
    return { root: repo.root, repo };
  } catch (e) {
    if (needDvc) throw e;
    const root = gitRoot(cwd);
    if (root === null) throw new CliError('not_a_repo', 'you are not inside of a Git repository');
    return { root, repo: null };
  }
}

function keyValuesOf(rev: RevisionFiles, kind: KeyFileKind, targets: string[]): Map<string, Record<string, unknown>> {
  const files = keyFilesOf(rev.paths, (p) => rev.read(p));
  const wanted: Map<string, string[] | null> =
    kind === 'params' ? files.params : new Map([...files.metrics].map((m) => [m, null]));
  if (targets.length > 0) {
    wanted.clear();
    for (const t of targets) wanted.set(t.replace(/^\.\//, ''), null);
  }
  const out = new Map<string, Record<string, unknown>>();
  for (const [path, keys] of wanted) {
    const text = rev.read(path);
    if (text === null) continue;
    const values = readKeyValues(text, path, kind);
    if (!values.ok) throw new CliError('bad_file', `failed to read '${path}' at ${rev.label}: ${values.error.message}`);
    out.set(path, pickKeys(values.value, keys));
  }
  return out;
}

/** `cairn params diff` / `cairn metrics diff`. */
export function keysDiff(cwd: string, kind: KeyFileKind, positionals: string[], o: DiffOptions): number {
  const { root } = rootOf(cwd, false);
  const [a, b] = revisionPair(root, positionals);
  const diffs = diffKeyFiles(keyValuesOf(a, kind, o.targets), keyValuesOf(b, kind, o.targets), { kind, all: o.all });
  if (o.json) {
    console.log(JSON.stringify(keyDiffJson(diffs)));
    return 0;
  }
  if (diffs.length === 0) return 0;
  const rows = keyDiffRows(diffs, {
    title: kind === 'params' ? 'Param' : 'Metric',
    aRev: a.label,
    bRev: b.label,
    showChange: kind === 'metrics',
    ...(kind === 'metrics' ? { precision: o.precision ?? 5 } : {}),
    noPath: o.noPath,
  });
  process.stdout.write(o.md ? renderTable(rows, true) : `${renderTable(rows)}\n`);
  return 0;
}

/** `cairn diff`: DVC-tracked outputs added, deleted, renamed, modified between two revisions. */
export async function dataDiff(cwd: string, positionals: string[], o: DiffOptions): Promise<number> {
  const { repo } = rootOf(cwd, true) as { repo: Repo };
  const [a, b] = revisionPair(repo.root, positionals);
  const cache = new LocalCache(repo.cacheDir);
  const before = dvcOutputsOf(a.paths, (p) => a.read(p));
  let after = dvcOutputsOf(b.paths, (p) => b.read(p));
  const hashed = new Map<string, DirEntry[]>();
  if (b.commit === null) {
    // The workspace side is what is on disk, hashed as DVC hashes it (the pointers may be stale).
    const onDisk = new Map<string, DvcOutput>();
    for (const out of after.values()) {
      const algorithm = out.hashKind === 'md5' ? 'md5' : 'md5-dos2unix';
      const h = await hashWorkspacePath(repo, out.path, algorithm);
      if (!h) continue;
      if (h.entries) hashed.set(h.oid, h.entries);
      onDisk.set(out.path, { ...out, md5: h.oid, size: h.size });
    }
    after = onDisk;
  }
  const diff = diffDvcOutputs(before, after, (out) => {
    const local = hashed.get(out.md5);
    if (local) return local;
    const layout = layoutOf(out.hashKind === 'md5' ? 'md5' : 'md5-dos2unix');
    return cache.readManifest(out.md5, layout) ?? null;
  });
  if (o.hideMissing) diff['not in cache'] = [];
  const targets = o.targets.map((t) => t.replace(/^\.\//, '').replace(/\/+$/, ''));
  if (targets.length > 0) {
    const keep = (p: string) => targets.some((t) => p === t || p.startsWith(`${t}/`));
    for (const s of ['added', 'deleted', 'modified', 'renamed', 'not in cache'] as const)
      diff[s] = diff[s].filter((e) => keep(typeof e.path === 'string' ? e.path : e.path.new));
  }
  if (o.json) {
    console.log(JSON.stringify(dvcDiffJson(diff, o.showHash)));
    return 0;
  }
  if (o.md) {
    process.stdout.write(renderTable(dvcDiffMarkdownRows(diff, o.showHash), true));
    return 0;
  }
  const text = renderDvcDiff(diff, { showHash: o.showHash, hideMissing: o.hideMissing });
  if (text) console.log(text);
  return 0;
}
