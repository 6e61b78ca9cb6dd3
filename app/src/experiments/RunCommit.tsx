/**
 * The code a run belongs to, on its run page: its commit (a git experiment's own, or the
 * `mlflow.source.git.commit` tag MLflow clients set), and a link to compare that code with the
 * commit of another run of the repository, chosen from the runs on this device.
 */
import type { Run } from '@cairn/core/runs';
import { A } from '@solidjs/router';
import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import { runCommit } from './run-commit.ts';
import { experimentsDb, type RunRow, readRunsInPages } from './run-store.ts';

export function RunCommit(props: { repo: string; row: RunRow }) {
  const mine = () => runCommit(props.row.run);
  const [rows] = createResource(
    () => props.repo,
    // In pages, so thousands of runs never hold the main thread in one long task.
    (repo) => readRunsInPages(experimentsDb(), repo, () => {}),
  );
  // Other commits, one entry each (the first run found names it), newest runs first.
  const others = createMemo(() => {
    const here = mine()?.commit;
    const seen = new Map<string, Run>();
    const sorted = [...(rows() ?? [])].sort((a, b) => (b.run.startTime ?? 0) - (a.run.startTime ?? 0));
    for (const r of sorted) {
      const c = runCommit(r.run)?.commit;
      if (c && c !== here && !seen.has(c)) seen.set(c, r.run);
    }
    return [...seen].map(([commit, run]) => ({ commit, run }));
  });
  const [against, setAgainst] = createSignal<string | null>(null);
  const base = () => against() ?? mine()?.branch ?? others()[0]?.commit ?? null;
  return (
    <Show when={mine()}>
      {(c) => (
        <>
          <dt>commit</dt>
          <dd data-testid="run-commit">
            <A href={`/${props.repo}/commit/${c().commit}`}>{c().commit.slice(0, 10)}</A>
            <Show when={c().branch}> on {c().branch}</Show>
          </dd>
          <dt>compare code</dt>
          <dd>
            <select
              aria-label="Compare this run's code with"
              value={base() ?? ''}
              onChange={(e) => setAgainst(e.currentTarget.value || null)}
            >
              <Show when={c().branch}>{(b) => <option value={b()}>branch {b()}</option>}</Show>
              <For each={others()}>
                {(o) => (
                  <option value={o.commit}>
                    {o.run.name || o.run.id.slice(0, 8)} ({o.commit.slice(0, 7)})
                  </option>
                )}
              </For>
            </select>{' '}
            <Show when={base()} fallback={<span>no other run names a commit</span>}>
              {(b) => (
                <A href={`/${props.repo}/compare/${b()}...${c().commit}`} data-testid="compare-code-link">
                  compare code
                </A>
              )}
            </Show>
          </dd>
        </>
      )}
    </Show>
  );
}
