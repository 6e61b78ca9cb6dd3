/**
 * What the pipeline page says above the graph: files that did not parse (with file:line:column)
 * and pipeline errors (a cycle, two stages writing one path), then the banner counting stages
 * out of date with the command that brings them up to date.
 */
import { For, Show } from 'solid-js';
import type { PipelineProblem } from './pipeline-protocol.ts';

export function ProblemList(props: { problems: PipelineProblem[] }) {
  return (
    <Show when={props.problems.length > 0}>
      <div class="notice error pipeline-problems" role="alert" data-testid="pipeline-problems">
        <strong>
          {props.problems.length === 1 ? 'A problem' : `${props.problems.length} problems`} in the pipeline — the graph
          shows what could be read.
        </strong>
        <ul>
          <For each={props.problems}>
            {(p) => (
              <li data-testid="pipeline-problem" data-code={p.code}>
                <Show when={p.kind === 'pipeline'}>
                  <strong>
                    {p.code === 'cycle'
                      ? 'Cycle: '
                      : p.code === 'duplicate_output'
                        ? 'Two stages write one path: '
                        : ''}
                  </strong>
                </Show>
                <code class="problem-text">{p.text}</code>
              </li>
            )}
          </For>
        </ul>
      </div>
    </Show>
  );
}

export function StaleBanner(props: { stale: number; total: number; copied: boolean; onCopy: () => void }) {
  return (
    <Show when={props.total > 0}>
      <Show
        when={props.stale > 0}
        fallback={
          <div class="notice ok stale-banner" data-testid="stale-banner">
            All {props.total} {props.total === 1 ? 'stage is' : 'stages are'} up to date.
          </div>
        }
      >
        <div class="notice warn stale-banner" data-testid="stale-banner">
          <span>
            {props.stale} of {props.total} stages are out of date — <code>cairn repro</code>
          </span>
          <button type="button" class="button" onClick={props.onCopy}>
            {props.copied ? 'Copied' : 'Copy'}
          </button>
        </div>
      </Show>
    </Show>
  );
}
