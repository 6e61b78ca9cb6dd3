/** Markdown rendered to sanitised HTML (render-markdown.ts). */
import { createResource, Show } from 'solid-js';
import { valueNow } from '../files/ready.ts';
import { renderMarkdown } from './render-markdown.ts';

export default function MarkdownViewer(props: { text: string }) {
  const [html] = createResource(() => props.text, renderMarkdown);
  return (
    <Show
      when={valueNow(html)}
      // Markdown that cannot be rendered is still text: shown as it is written.
      fallback={html.error ? <pre class="code-text">{props.text}</pre> : <p class="muted">Rendering…</p>}
    >
      {(h) => <article class="markdown-body" data-testid="markdown-viewer" innerHTML={h()} />}
    </Show>
  );
}
