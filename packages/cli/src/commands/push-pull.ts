/**
 * `cairn push` / `cairn pull` (`-r REMOTE`, `-j JOBS`, targets): the remote comes from
 * `.dvc/config` + `config.local` as DVC reads it (`core.remote` by default). Pull fetches then
 * checks out. Messages and exit codes follow DVC: counts on success, `ERROR: …` and exit 1 when
 * anything failed to move.
 */
import { remoteNames, remoteOf } from '@cairn/core';
import { CliError } from '../cli-error.ts';
import { LocalCache } from '../local-cache.ts';
import { checkoutOut } from '../materialise.ts';
import { collectTracked, selectTargets } from '../pipeline-state.ts';
import { Progress } from '../progress.ts';
import { HttpRemote } from '../remote/http-remote.ts';
import { pull as pullObjects, push as pushObjects, type TransferSummary } from '../remote/transfer.ts';
import { findRepo, type Repo } from '../repo.ts';

export interface TransferOptions {
  remote?: string;
  jobs: number;
  quiet: boolean;
}

function openRemote(repo: Repo, name: string | undefined, verb: 'push' | 'pull'): HttpRemote {
  const config = remoteOf(repo.config, name);
  if (!config) {
    const what = verb === 'push' ? 'failed to push data to the cloud' : 'failed to pull data from the cloud';
    if (name !== undefined) {
      throw new CliError(
        'no_remote',
        `${what} - config file error: remote '${name}' doesn't exist (known: ${remoteNames(repo.config).join(', ') || 'none'})`,
      );
    }
    throw new CliError(
      'no_remote',
      `${what} - config file error: no remote specified. Setup default remote with\n    dvc remote default <remote name>\nor use:\n    cairn ${verb} -r <remote name>`,
    );
  }
  return new HttpRemote(config);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function failIfAny(summary: TransferSummary, verb: 'push' | 'pull'): void {
  if (summary.failed.length === 0) return;
  const detail = summary.failed
    .slice(0, 5)
    .map((f) => `  ${f.oid}: ${f.error}`)
    .join('\n');
  throw new CliError(
    'transfer_failed',
    `failed to ${verb} data ${verb === 'push' ? 'to' : 'from'} the cloud - ${plural(summary.failed.length, 'file')} failed to ${verb === 'push' ? 'upload' : 'download'}\n${detail}`,
  );
}

export async function push(cwd: string, targets: string[], opts: TransferOptions): Promise<void> {
  const repo = findRepo(cwd);
  const remote = openRemote(repo, opts.remote, 'push');
  const outs = selectTargets(repo, cwd, await collectTracked(repo), targets);
  const progress = opts.quiet ? undefined : new Progress('Pushing');
  const summary = await pushObjects(new LocalCache(repo.cacheDir), remote, outs, {
    jobs: opts.jobs,
    ...(progress ? { progress } : {}),
  });
  progress?.done();
  if (summary.missingLocally.length > 0) {
    console.error(
      `WARNING: Some of the cache files do not exist neither locally nor on remote. Missing cache files:\n${summary.missingLocally.map((o) => `md5: ${o}`).join('\n')}`,
    );
  }
  failIfAny(summary, 'push');
  if (!opts.quiet)
    console.log(
      summary.transferred === 0 ? 'Everything is up to date.' : `${plural(summary.transferred, 'file')} pushed`,
    );
}

export async function pull(cwd: string, targets: string[], opts: TransferOptions): Promise<void> {
  const repo = findRepo(cwd);
  const remote = openRemote(repo, opts.remote, 'pull');
  const outs = selectTargets(repo, cwd, await collectTracked(repo), targets);
  const cache = new LocalCache(repo.cacheDir);
  const progress = opts.quiet ? undefined : new Progress('Fetching');
  const summary = await pullObjects(cache, remote, outs, {
    jobs: opts.jobs,
    tmpDir: repo.tmpDir,
    ...(progress ? { progress } : {}),
  });
  progress?.done();
  const lines: string[] = [];
  const failedCheckout: string[] = [];
  for (const out of outs) {
    const r = checkoutOut(repo, cache, out);
    if (r.kind === 'added' || r.kind === 'modified') lines.push(`${r.kind === 'added' ? 'A' : 'M'}       ${out.path}`);
    if (r.kind === 'missing') failedCheckout.push(out.path);
  }
  failIfAny(summary, 'pull');
  if (!opts.quiet) {
    for (const l of lines) console.log(l);
    console.log(
      summary.transferred === 0 && lines.length === 0
        ? 'Everything is up to date.'
        : `${plural(summary.transferred, 'file')} fetched${lines.length ? `, ${plural(lines.length, 'path')} checked out` : ''}`,
    );
  }
  if (failedCheckout.length > 0) {
    throw new CliError(
      'checkout_failed',
      `Checkout failed for following targets:\n${failedCheckout.join('\n')}\nIs your cache up to date?`,
    );
  }
}
