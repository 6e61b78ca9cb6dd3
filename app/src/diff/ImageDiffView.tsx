/**
 * An image diff, as GitHub shows one: side by side (each with its dimensions and size), swipe
 * (the new image revealed over the old by a handle) and onion skin (the new one faded over the
 * old). One side only (added or deleted) shows that image alone. The mode lives in the view,
 * not the URL; images are drawn from object URLs freed when the view closes.
 */
import { createSignal, For, onCleanup, Show } from 'solid-js';
import { formatSize } from '../viewers/view-file.ts';

type Mode = 'side' | 'swipe' | 'onion';
const MODES: { mode: Mode; label: string }[] = [
  { mode: 'side', label: '2-up' },
  { mode: 'swipe', label: 'Swipe' },
  { mode: 'onion', label: 'Onion skin' },
];

const MIME: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  bmp: 'image/bmp',
  ico: 'image/x-icon',
  avif: 'image/avif',
};

function useObjectUrl(bytes: Uint8Array | null, type: string): string | null {
  if (!bytes) return null;
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  onCleanup(() => URL.revokeObjectURL(url));
  return url;
}

interface Side {
  url: string;
  bytes: number;
  size: () => { w: number; h: number } | null;
  setSize: (s: { w: number; h: number }) => void;
}

export function ImageDiffView(props: { path: string; before: Uint8Array | null; after: Uint8Array | null }) {
  const ext = props.path.slice(props.path.lastIndexOf('.') + 1).toLowerCase();
  const type = MIME[ext] ?? 'application/octet-stream';
  const side = (bytes: Uint8Array | null): Side | null => {
    const url = useObjectUrl(bytes, type);
    if (!url || !bytes) return null;
    const [size, setSize] = createSignal<{ w: number; h: number } | null>(null);
    return { url, bytes: bytes.length, size, setSize };
  };
  const before = side(props.before);
  const after = side(props.after);
  const [mode, setMode] = createSignal<Mode>('side');
  const [swipe, setSwipe] = createSignal(50);
  const [opacity, setOpacity] = createSignal(50);
  const both = before !== null && after !== null;
  /** Small images are drawn larger (whole pixels, both sides by the same factor) so a change shows. */
  const scale = () => {
    const f = frame();
    const largest = Math.max(f.w, f.h);
    return largest > 0 && largest < 160 ? Math.floor(160 / largest) : 1;
  };
  const drawnWidth = (s: Side) => {
    const d = s.size();
    return d && scale() > 1 ? { width: `${d.w * scale()}px`, 'image-rendering': 'pixelated' as const } : {};
  };
  const scaleNote = () => (scale() > 1 ? ` · shown ×${scale()}` : '');
  const dims = (s: Side) => {
    const d = s.size();
    return `${d ? `${d.w} × ${d.h} px` : '…'} · ${formatSize(s.bytes)}`;
  };
  /** In the swipe and onion frames: each image at its share of the frame, so both keep their scale. */
  const stacked = (s: Side) => {
    const d = s.size();
    const f = frame();
    return d && f.w > 0 ? { width: `${(d.w / f.w) * 100}%` } : {};
  };
  const img = (s: Side, testId: string, sized = true) => (
    <img
      src={s.url}
      style={sized ? drawnWidth(s) : stacked(s)}
      alt={`${testId === 'image-before' ? 'old' : 'new'} version of ${props.path}`}
      data-testid={testId}
      onLoad={(e) => s.setSize({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })}
    />
  );
  // The frame for swipe and onion skin: as large as the larger image.
  const frame = () => {
    const a = before?.size();
    const b = after?.size();
    return { w: Math.max(a?.w ?? 0, b?.w ?? 0), h: Math.max(a?.h ?? 0, b?.h ?? 0) };
  };
  return (
    <div class="image-diff" data-testid="image-diff" data-mode={mode()}>
      <Show when={both}>
        <span class="segmented" title="Image diff mode">
          <For each={MODES}>
            {(m) => (
              <button
                type="button"
                aria-pressed={mode() === m.mode}
                data-testid={`image-mode-${m.mode}`}
                onClick={() => setMode(m.mode)}
              >
                {m.label}
              </button>
            )}
          </For>
        </span>
      </Show>
      <Show when={!both || mode() === 'side'}>
        <div class="image-2up">
          <Show when={before}>
            {(s) => (
              <figure class="image-side del">
                {img(s(), 'image-before')}
                <figcaption data-testid="image-before-info">
                  {both ? 'Old' : 'Deleted'} · {dims(s())}
                  {scaleNote()}
                </figcaption>
              </figure>
            )}
          </Show>
          <Show when={after}>
            {(s) => (
              <figure class="image-side add">
                {img(s(), 'image-after')}
                <figcaption data-testid="image-after-info">
                  {both ? 'New' : 'Added'} · {dims(s())}
                  {scaleNote()}
                </figcaption>
              </figure>
            )}
          </Show>
        </div>
      </Show>
      <Show when={both && mode() !== 'side'}>
        <div
          class="image-stack"
          data-testid="image-stack"
          style={{
            'aspect-ratio': `${frame().w || 1} / ${frame().h || 1}`,
            width: `min(100%, ${(frame().w || 300) * scale()}px)`,
            'image-rendering': scale() > 1 ? 'pixelated' : 'auto',
          }}
        >
          {img(before!, 'image-before', false)}
          <div
            class="image-top"
            style={
              mode() === 'swipe' ? { 'clip-path': `inset(0 0 0 ${swipe()}%)` } : { opacity: String(opacity() / 100) }
            }
          >
            {img(after!, 'image-after', false)}
          </div>
          <Show when={mode() === 'swipe'}>
            <div class="image-swipe-line" style={{ left: `${swipe()}%` }} />
          </Show>
        </div>
        <label class="image-slider">
          <span>Old</span>
          <input
            type="range"
            min="0"
            max="100"
            aria-label={mode() === 'swipe' ? 'Swipe position' : 'Opacity of the new image'}
            value={mode() === 'swipe' ? swipe() : opacity()}
            data-testid="image-slider"
            onInput={(e) => (mode() === 'swipe' ? setSwipe : setOpacity)(Number(e.currentTarget.value))}
          />
          <span>New</span>
        </label>
        <p class="diff-note muted" data-testid="image-dims">
          Old {dims(before!)} · New {dims(after!)}
          {scaleNote()}
        </p>
      </Show>
    </div>
  );
}
