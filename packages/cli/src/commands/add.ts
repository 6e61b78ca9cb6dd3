/**
 * `cairn add PATH…`: hashes a file or folder as DVC 3 does, stores every object in the cache
 * (`files/md5/…`), writes `PATH.dvc` beside it and keeps PATH out of git via `.gitignore`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type DvcFile, lockEntry, serializeDvcFile } from '@cairn/core';
import { writeFileAtomic } from '../atomic-write.ts';
import { CliError } from '../cli-error.ts';
import { ignoreInGit } from '../gitignore.ts';
import { HashState } from '../hash-state.ts';
import { LocalCache } from '../local-cache.ts';
import { Progress } from '../progress.ts';
import { findRepo, repoPath } from '../repo.ts';
import { readDvcFile } from '../tracked.ts';
import { hashWorkspacePath } from '../workspace-hash.ts';

export async function add(cwd: string, targets: string[], opts: { quiet: boolean }): Promise<void> {
  if (targets.length === 0) throw new CliError('usage', 'add: at least one PATH is required');
  const repo = findRepo(cwd);
  const cache = new LocalCache(repo.cacheDir);
  // Every file added is hashed (and stored); remembering the hashes spares the next status.
  const state = HashState.open(repo);
  const toStage: string[] = [];
  for (const target of targets) {
    const abs = path.resolve(cwd, target);
    const posix = repoPath(repo, abs);
    if (posix === '.' || posix.split('/').some((p) => p === '.dvc' || p === '.git')) {
      throw new CliError('usage', `cannot add '${target}': it is the repository itself or inside .dvc/.git`);
    }
    if (!fs.existsSync(abs)) throw new CliError('not_found', `path '${target}' does not exist`);
    const progress = opts.quiet ? undefined : new Progress(`Adding ${target}`);
    const h = await hashWorkspacePath(repo, posix, 'md5', progress ? { cache, progress, state } : { cache, state });
    progress?.done();
    if (!h) throw new CliError('not_found', `path '${target}' does not exist`);
    const dvcPosix = `${posix}.dvc`;
    const dvcAbs = `${abs}.dvc`;
    const name = path.basename(abs);
    const entry = lockEntry({ path: name, md5: h.oid, size: h.size, ...(h.isDir ? { nfiles: h.nfiles ?? 0 } : {}) });
    let original: string | undefined;
    let file: DvcFile = { outs: [entry], deps: [], extra: {} };
    if (fs.existsSync(dvcAbs)) {
      // Re-adding keeps what the old file said besides the hash (desc, remote, push, meta…).
      original = fs.readFileSync(dvcAbs, 'utf8');
      const old = readDvcFile(repo, dvcPosix);
      const prev = old.outs.find((o) => o.path === name);
      if (prev) entry.extra = { ...prev.extra };
      file = { ...old, outs: [entry, ...old.outs.filter((o) => o.path !== name)] };
    }
    writeFileAtomic(dvcAbs, serializeDvcFile(file, original));
    const gi = ignoreInGit(abs);
    toStage.push(path.relative(cwd, dvcAbs));
    if (gi) toStage.push(path.relative(cwd, gi));
  }
  state.save();
  if (!opts.quiet) {
    console.log(`\nTo track the changes with git, run:\n\n\tgit add ${[...new Set(toStage)].join(' ')}\n`);
  }
}
