/**
 * `cairn checkout [TARGET…]`: makes the workspace match the `.dvc` files and `dvc.lock` from the
 * local cache. Prints `A`/`M` per changed path as DVC does; fails (exit 1) naming what the
 * cache lacks.
 */
import { CliError } from '../cli-error.ts';
import { LocalCache } from '../local-cache.ts';
import { checkoutOut } from '../materialise.ts';
import { collectTracked, selectTargets } from '../pipeline-state.ts';
import { findRepo } from '../repo.ts';

export async function checkout(cwd: string, targets: string[], opts: { quiet: boolean }): Promise<void> {
  const repo = findRepo(cwd);
  const cache = new LocalCache(repo.cacheDir);
  const outs = selectTargets(repo, cwd, await collectTracked(repo), targets);
  const failed: string[] = [];
  for (const out of outs) {
    const r = checkoutOut(repo, cache, out);
    if (r.kind === 'missing') failed.push(out.path);
    else if ((r.kind === 'added' || r.kind === 'modified') && !opts.quiet) {
      console.log(`${r.kind === 'added' ? 'A' : 'M'}       ${out.path}${out.oid?.endsWith('.dir') ? '/' : ''}`);
    }
  }
  if (failed.length > 0) {
    throw new CliError(
      'checkout_failed',
      `Checkout failed for following targets:\n${failed.join('\n')}\nIs your cache up to date?\n<https://error.dvc.org/missing-files>`,
    );
  }
}
