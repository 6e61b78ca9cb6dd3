/** Text and code with line numbers; highlighted (lazily) when a grammar fits and the file is not huge. */
import { createResource, For, Show } from 'solid-js';
import { highlightCode } from './highlight.ts';

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
  return (
    <div class="code-viewer" data-testid="code-viewer">
      <pre class="code-gutter" aria-hidden="true">
        <For each={Array.from({ length: Math.max(lines(), 1) }, (_, i) => i + 1)}>{(n) => `${n}\n`}</For>
      </pre>
      <Show when={html()} fallback={<pre class="code-text">{props.text}</pre>}>
        {(h) => <pre class="code-text hljs" innerHTML={h()} />}
      </Show>
    </div>
  );
}
