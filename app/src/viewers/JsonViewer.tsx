/** JSON pretty-printed (and highlighted when small); invalid JSON is shown as text with the parse error. */
import { createMemo, Show } from 'solid-js';
import CodeViewer from './CodeViewer.tsx';

export default function JsonViewer(props: { text: string; name: string }) {
  const parsed = createMemo(() => {
    try {
      return { pretty: JSON.stringify(JSON.parse(props.text), null, 2), error: null };
    } catch (error) {
      return { pretty: props.text, error: (error as Error).message };
    }
  });
  return (
    <div data-testid="json-viewer">
      <Show when={parsed().error}>{(e) => <p class="warn">Not valid JSON: {e()}</p>}</Show>
      <CodeViewer text={parsed().pretty} name={props.name} language="json" />
    </div>
  );
}
