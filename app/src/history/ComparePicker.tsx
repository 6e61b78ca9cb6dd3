/**
 * The bar above the history that turns two picked commits into a comparison: says what to
 * pick, then links to `compare/BASE...HEAD` (older commit as base), and clears the picks.
 */
import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import type { Picked } from './compare-pair.ts';

const short = (oid: string) => oid.slice(0, 7);

export function ComparePicker(props: {
  picked: Picked;
  pair: { base: string; head: string } | null;
  compareHref: (base: string, head: string) => string;
  onClear: () => void;
}) {
  const hint = () => {
    const { base, head } = props.picked;
    if (base && head && base === head) return 'Base and head are the same commit: pick another.';
    if (!base && !head) return 'Pick a base and a head in the columns on the left to compare two commits.';
    return base ? 'Now pick a head commit.' : 'Now pick a base commit.';
  };
  return (
    <div class="compare-picker" data-testid="compare-picker">
      <Show
        when={props.pair}
        fallback={
          <span class="muted" data-testid="compare-hint">
            {hint()}
          </span>
        }
      >
        {(p) => (
          <span>
            Base <code>{short(p().base)}</code> → head <code>{short(p().head)}</code>
          </span>
        )}
      </Show>
      {/* The actions stay together (and on the right), also when the text wraps on a phone. */}
      <span class="compare-actions">
        <Show when={props.picked.base || props.picked.head}>
          <button type="button" class="button" onClick={() => props.onClear()} data-testid="compare-clear">
            Clear
          </button>
        </Show>
        <Show
          when={props.pair}
          fallback={
            <button type="button" class="button" disabled>
              Compare
            </button>
          }
        >
          {(p) => (
            <A class="button primary" href={props.compareHref(p().base, p().head)} data-testid="compare-picked">
              Compare
            </A>
          )}
        </Show>
      </span>
    </div>
  );
}
