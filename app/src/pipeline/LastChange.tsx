/**
 * "Last changed in": the newest commit (first parents from the viewed ref) that changed a stage's
 * own dvc.yaml entry or its dvc.lock entry, asked of the pipeline worker when the panel opens.
 * Says "Looking…" while the worker walks, and why there is no answer when there is none.
 */
import type { StageLastChange } from '@cairn/core/pipeline';
import { STAGE_HISTORY_LIMIT } from '@cairn/core/pipeline';
import { A } from '@solidjs/router';
import { createResource, type JSX, Match, Switch } from 'solid-js';
import { commitUrl } from '../files/urls.ts';
import { relativeDate } from '../history/format-date.ts';

const WHAT: Record<string, string> = {
  definition: 'its dvc.yaml entry',
  lock: 'its dvc.lock entry',
  'definition,lock': 'its dvc.yaml and dvc.lock entries',
};

function Answer(props: { owner: string; repo: string; answer: StageLastChange }): JSX.Element {
  return (
    <Switch>
      <Match when={props.answer.state === 'found' && props.answer}>
        {(found) => {
          const c = () => found().commit;
          const subject = () => c().message.split('\n')[0] ?? '';
          const when = () => c().author.timestamp;
          return (
            <>
              <A class="last-change-commit" href={commitUrl(props.owner, props.repo, c().oid)}>
                <code>{c().oid.slice(0, 7)}</code> <span class="last-change-subject">{subject()}</span>
              </A>
              <div class="last-change-meta">
                {c().author.name} ·{' '}
                <time datetime={new Date(when() * 1000).toISOString()} title={new Date(when() * 1000).toUTCString()}>
                  {relativeDate(when())}
                </time>
                {' · '}
                changed {WHAT[found().changes.join(',')] ?? 'it'}
              </div>
            </>
          );
        }}
      </Match>
      <Match when={props.answer.state === 'beyond-limit'}>
        <span class="muted">Not within the last {STAGE_HISTORY_LIMIT.toLocaleString('en')} commits.</span>
      </Match>
      <Match when={props.answer.state === 'history-ends' && props.answer}>
        {(a) => (
          <span class="muted">
            Not within the {a().scanned.toLocaleString('en')} commits this device has (a shallow copy).
          </span>
        )}
      </Match>
      <Match when={props.answer.state === 'absent'}>
        <span class="muted">No commit defines this stage.</span>
      </Match>
    </Switch>
  );
}

export function LastChange(props: {
  owner: string;
  repo: string;
  /** The viewed commit and the stage's qualified name: either changing asks again. */
  commit: string;
  stage: string;
  find: (stage: string) => Promise<StageLastChange>;
}) {
  const [answer] = createResource(
    () => [props.commit, props.stage] as const,
    ([, stage]) => props.find(stage),
  );
  return (
    <div class="last-change" data-testid="last-change" aria-live="polite">
      <Switch>
        <Match when={answer.error}>
          <span class="muted">
            Could not read the history: {answer.error instanceof Error ? answer.error.message : String(answer.error)}
          </span>
        </Match>
        <Match when={answer.loading}>
          <span class="muted">Looking…</span>
        </Match>
        <Match when={answer()}>{(a) => <Answer owner={props.owner} repo={props.repo} answer={a()} />}</Match>
      </Switch>
    </div>
  );
}
