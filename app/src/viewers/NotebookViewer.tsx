/**
 * Jupyter notebooks: Markdown cells rendered (sanitised), code highlighted, outputs shown as
 * text, images, sanitised HTML (no scripts, no styles that could restyle the app) or JSON.
 */
import { createResource, For, Match, Show, Switch } from 'solid-js';
import { valueNow } from '../files/ready.ts';
import CodeViewer from './CodeViewer.tsx';
import { type CellView, type NotebookView, notebookView, type OutputView } from './notebook-model.ts';
import { renderMarkdown, sanitizeHtml } from './render-markdown.ts';

function Markdown(props: { markdown: string }) {
  const [html] = createResource(() => props.markdown, renderMarkdown);
  return <div class="markdown-body nb-markdown" innerHTML={valueNow(html) ?? ''} />;
}

function Html(props: { html: string }) {
  const [html] = createResource(() => props.html, sanitizeHtml);
  return <div class="nb-html" innerHTML={valueNow(html) ?? ''} />;
}

function Output(props: { output: OutputView }) {
  const o = () => props.output;
  return (
    <Switch>
      <Match when={o().kind === 'stream' && (o() as Extract<OutputView, { kind: 'stream' }>)}>
        {(s) => <pre class={`nb-out nb-${s().name}`}>{s().text}</pre>}
      </Match>
      <Match when={o().kind === 'text' && (o() as Extract<OutputView, { kind: 'text' }>)}>
        {(t) => <pre class="nb-out">{t().text}</pre>}
      </Match>
      <Match when={o().kind === 'json' && (o() as Extract<OutputView, { kind: 'json' }>)}>
        {(t) => <pre class="nb-out">{t().text}</pre>}
      </Match>
      <Match when={o().kind === 'html' && (o() as Extract<OutputView, { kind: 'html' }>)}>
        {(h) => <Html html={h().html} />}
      </Match>
      <Match when={o().kind === 'markdown' && (o() as Extract<OutputView, { kind: 'markdown' }>)}>
        {(m) => <Markdown markdown={m().markdown} />}
      </Match>
      <Match when={o().kind === 'image' && (o() as Extract<OutputView, { kind: 'image' }>)}>
        {(i) => <img class="nb-image" src={i().src} alt="output" />}
      </Match>
      <Match when={o().kind === 'error' && (o() as Extract<OutputView, { kind: 'error' }>)}>
        {(e) => <pre class="nb-out nb-error">{e().traceback || `${e().ename}: ${e().evalue}`}</pre>}
      </Match>
    </Switch>
  );
}

function Cell(props: { cell: CellView; language: string }) {
  const c = () => props.cell;
  return (
    <div class={`nb-cell nb-${c().kind}`}>
      <Switch>
        <Match when={c().kind === 'markdown' && (c() as Extract<CellView, { kind: 'markdown' }>)}>
          {(m) => <Markdown markdown={m().markdown} />}
        </Match>
        <Match when={c().kind === 'raw' && (c() as Extract<CellView, { kind: 'raw' }>)}>
          {(r) => <pre class="nb-raw">{r().source}</pre>}
        </Match>
        <Match when={c().kind === 'code' && (c() as Extract<CellView, { kind: 'code' }>)}>
          {(code) => (
            <>
              <div class="nb-input">
                <span class="nb-prompt">[{code().executionCount ?? ' '}]:</span>
                <CodeViewer text={code().source} name="cell" language={props.language} />
              </div>
              <Show when={code().outputs.length}>
                <div class="nb-outputs">
                  <For each={code().outputs}>{(output) => <Output output={output} />}</For>
                </div>
              </Show>
            </>
          )}
        </Match>
      </Switch>
    </div>
  );
}

export default function NotebookViewer(props: { text: string; name: string }) {
  const view = (): NotebookView | Error => {
    try {
      return notebookView(props.text, props.name);
    } catch (error) {
      return error as Error;
    }
  };
  return (
    <Show
      when={!(view() instanceof Error) && (view() as NotebookView)}
      fallback={<p class="error">{(view() as Error).message}</p>}
    >
      {(nb) => (
        <div class="notebook" data-testid="notebook-viewer">
          <For each={nb().cells}>{(cell) => <Cell cell={cell} language={nb().language} />}</For>
        </div>
      )}
    </Show>
  );
}
