/**
 * A file page's actions, as GitHub's: Raw (the bytes in a new tab, from this device), Download,
 * and Copy (text files up to a few MB). They work offline, on git files and data alike.
 */
import { createSignal, Show } from 'solid-js';
import type { ViewFile } from '../viewers/view-file.ts';

const COPY_LIMIT = 5 * 1024 * 1024;

/** True when the first bytes hold no NUL and decode as UTF-8: a text file worth copying. */
function looksLikeText(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 4)));
    return true;
  } catch {
    return false;
  }
}

async function objectUrl(file: ViewFile, asText: boolean): Promise<string> {
  const blob = await file.blob();
  return URL.createObjectURL(asText ? new Blob([blob], { type: 'text/plain;charset=utf-8' }) : blob);
}

export function FileActions(props: { file: ViewFile }) {
  const [note, setNote] = createSignal<string | null>(null);
  const text = () => looksLikeText(props.file.head);
  const say = (message: string) => {
    setNote(message);
    setTimeout(() => setNote(null), 2500);
  };
  const raw = async () => {
    const url = await objectUrl(props.file, text());
    window.open(url, '_blank', 'noopener');
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
  const download = async () => {
    const url = await objectUrl(props.file, false);
    const a = document.createElement('a');
    a.href = url;
    a.download = props.file.name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(await (await props.file.blob()).text());
      say('Copied');
    } catch {
      say('The browser refused the clipboard: use Raw and copy from there.');
    }
  };
  return (
    <span class="file-actions" data-testid="file-actions">
      <button type="button" class="button small" onClick={() => void raw()} title="Open the file's bytes in a new tab">
        Raw
      </button>
      <button type="button" class="button small" onClick={() => void download()} data-testid="file-download">
        Download
      </button>
      <Show when={text() && props.file.size <= COPY_LIMIT}>
        <button type="button" class="button small" onClick={() => void copy()} data-testid="file-copy">
          Copy
        </button>
      </Show>
      <Show when={note()}>
        <span class="muted" role="status">
          {note()}
        </span>
      </Show>
    </span>
  );
}
