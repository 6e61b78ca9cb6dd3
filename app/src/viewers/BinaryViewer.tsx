/** Files the browser does not render (binary, or too large to show): their size and a download. */
import { createSignal, Show } from 'solid-js';
import { formatSize, type ViewFile } from './view-file.ts';

export default function BinaryViewer(props: { file: ViewFile; reason: 'binary' | 'large' }) {
  const [busy, setBusy] = createSignal(false);
  const download = async () => {
    setBusy(true);
    try {
      const url = URL.createObjectURL(await props.file.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = props.file.name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="binary-viewer" data-testid="binary-viewer">
      <p>
        <Show when={props.reason === 'binary'} fallback={<>This file is too large to show here</>}>
          This is a binary file
        </Show>{' '}
        ({formatSize(props.file.size)}).
      </p>
      <button type="button" class="button" onClick={download} disabled={busy()}>
        Download
      </button>
    </div>
  );
}
