/**
 * The commit a run belongs to: a git experiment's own, or the `mlflow.source.git.commit` tag
 * MLflow clients set. Pure, so the compare worker reads it beside the run page.
 */
import type { Run } from '@cairn/core/runs';

const COMMIT_TAG = 'mlflow.source.git.commit';
const BRANCH_TAG = 'mlflow.source.git.branch';
const SHA = /^[0-9a-f]{7,64}$/i;

/** A run's commit and branch, or null when it names none (or names something that is not a sha). */
export function runCommit(run: Run): { commit: string; branch: string | null } | null {
  if (run.source.kind === 'git') return { commit: run.source.commit, branch: run.source.branch || null };
  const commit = run.tags[COMMIT_TAG]?.trim();
  return commit && SHA.test(commit) ? { commit, branch: run.tags[BRANCH_TAG]?.trim() || null } : null;
}
