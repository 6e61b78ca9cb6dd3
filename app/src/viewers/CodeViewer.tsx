/**
 * Text and code with line numbers; highlighted (lazily) when a grammar fits and the file is not
 * huge. Line numbers are links (`#L7`; shift-click for `#L7-L12`, as GitHub), the lines named in
 * the URL are marked and scrolled to.
 */
import { createEffect, createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { valueNow } from '../files/ready.ts';
import { highlightCode } from './highlight.ts';
import { clickLine, type LineRange, lineAnchor, parseLineAnchor } from './line-anchor.ts';

const LINE_HEIGHT = 19; // px, as viewers.css sets it
const PAD_TOP = 8;

const HIGHLIGHT_LIMIT = 512 * 1024;

export default function CodeViewer(props: { text: string; name: string; language?: string }) {
  const lines = () => props.text.split('\n').length - (props.text.endsWith('\n') ? 1 : 0);
  const [html] = createResource(
    () => [props.text, props.name, props.language] as const,
    ([text, name, language]) =>
      text.length > HIGHLIGHT_LIMIT
        ? null
        : language !== undefined
          ? highlightCode(text, name, language)
          : highlightCode(text, name),
  );
  const [selected, setSelected] = createSignal<LineRange | null>(parseLineAnchor(location.hash));
  const onHash = () => setSelected(parseLineAnchor(location.hash));
  window.addEventListener('hashchange', onHash);
  onCleanup(() => window.removeEventListener('hashchange', onHash));
  let box: HTMLDivElement | undefined;
  let scrolled = false;
  createEffect(() => {
    const range = selected();
    if (!range || scrolled || !box) return;
    scrolled = true;
    const top = box.getBoundingClientRect().top + window.scrollY + PAD_TOP + (range.start - 1) * LINE_HEIGHT;
    window.scrollTo({ top: Math.max(0, top - 120) });
  });
  const pick = (event: MouseEvent, n: number) => {
    event.preventDefault();
    const range = clickLine(selected(), n, event.shiftKey);
    history.replaceState(history.state, '', `${location.pathname}${location.search}${lineAnchor(range)}`);
    setSelected(range);
  };
  return (
    <div class="code-viewer" data-testid="code-viewer" ref={box}>
      <Show when={selected()}>
        {(r) => (
          <div
            class="line-mark"
            data-testid="line-mark"
            style={{
              top: `${PAD_TOP + (r().start - 1) * LINE_HEIGHT}px`,
              height: `${(r().end - r().start + 1) * LINE_HEIGHT}px`,
            }}
          />
        )}
      </Show>
      <pre class="code-gutter">
        <For each={Array.from({ length: Math.max(lines(), 1) }, (_, i) => i + 1)}>
          {(n) => (
            <>
              <a id={`L${n}`} href={`#L${n}`} on:click={(e: MouseEvent) => pick(e, n)} aria-label={`Line ${n}`}>
                {n}
              </a>
              {'\n'}
            </>
          )}
        </For>
      </pre>
      <Show when={valueNow(html)} fallback={<pre class="code-text">{props.text}</pre>}>
        {(h) => <pre class="code-text hljs" innerHTML={h()} />}
      </Show>
    </div>
  );
}
