/**
 * Images, SVG included (shown through <img>, where an SVG cannot run scripts): pixel size, file
 * size and format above a stage that zooms — Fit, 100 %, + / −, wheel or pinch about the
 * pointer, double-click to switch between fit and 100 % — and pans by dragging. The arithmetic
 * is image-zoom.ts; this wires events to it.
 */
import { createEffect, createResource, createSignal, onCleanup, onMount, Show } from 'solid-js';
import { valueNow } from '../files/ready.ts';
import { formatName, imageInfo, imageMime } from './image-info.ts';
import { clampView, fitView, panBy, type Size, STEP, type View, wheelFactor, zoomBy, zoomTo } from './image-zoom.ts';
import { extensionOf } from './pick-viewer.ts';
import { formatSize, type ViewFile } from './view-file.ts';

export default function ImageViewer(props: { file: ViewFile }) {
  const [url] = createResource(
    () => props.file,
    async (file) => URL.createObjectURL(new Blob([await file.blob()], { type: imageMime(extensionOf(file.name)) })),
  );
  createEffect((previous: string | undefined) => {
    const u = valueNow(url);
    if (previous && previous !== u) URL.revokeObjectURL(previous);
    return u;
  });
  onCleanup(() => {
    const u = valueNow(url);
    if (u) URL.revokeObjectURL(u);
  });
  let stage!: HTMLDivElement;
  const [natural, setNatural] = createSignal<Size | null>(null);
  const [box, setBox] = createSignal<Size>({ width: 1, height: 1 });
  const [view, setView] = createSignal<View>({ scale: 1, x: 0, y: 0 });
  // Fit follows the stage's size until the reader zooms or pans.
  const [fitted, setFitted] = createSignal(true);
  const format = () => formatName(imageInfo(props.file.head)?.type ?? extensionOf(props.file.name));

  const fit = () => {
    const n = natural();
    if (!n) return;
    setFitted(true);
    setView(fitView(n, box()));
  };
  const center = () => ({ x: box().width / 2, y: box().height / 2 });
  const change = (next: (v: View, n: Size, b: Size) => View) => {
    const n = natural();
    if (!n) return;
    setFitted(false);
    setView(next(view(), n, box()));
  };
  const actual = () => change((v, n, b) => zoomTo(v, 1, center(), n, b));
  const zoomIn = () => change((v, n, b) => zoomBy(v, STEP, center(), n, b));
  const zoomOut = () => change((v, n, b) => zoomBy(v, 1 / STEP, center(), n, b));

  const pointAt = (event: { clientX: number; clientY: number }) => {
    const r = stage.getBoundingClientRect();
    return { x: event.clientX - r.left, y: event.clientY - r.top };
  };
  const onWheel = (event: WheelEvent) => {
    event.preventDefault();
    const at = pointAt(event);
    change((v, n, b) => zoomBy(v, wheelFactor(event.deltaY, event.deltaMode), at, n, b));
  };
  // Pointers down on the stage: one drags, two pinch.
  const pointers = new Map<number, { x: number; y: number }>();
  const spread = () => {
    const [a, b] = [...pointers.values()];
    return a && b ? { d: Math.hypot(a.x - b.x, a.y - b.y), mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } } : null;
  };
  const onPointerDown = (event: PointerEvent) => {
    if (event.button !== 0) return;
    stage.setPointerCapture(event.pointerId);
    pointers.set(event.pointerId, pointAt(event));
  };
  const onPointerMove = (event: PointerEvent) => {
    const before = pointers.get(event.pointerId);
    if (!before) return;
    const pinchBefore = spread();
    const now = pointAt(event);
    pointers.set(event.pointerId, now);
    const pinchNow = spread();
    if (pinchBefore && pinchNow && pinchBefore.d > 0) {
      change((v, n, b) =>
        panBy(
          zoomBy(v, pinchNow.d / pinchBefore.d, pinchNow.mid, n, b),
          pinchNow.mid.x - pinchBefore.mid.x,
          pinchNow.mid.y - pinchBefore.mid.y,
          n,
          b,
        ),
      );
    } else if (!pinchBefore) {
      change((v, n, b) => panBy(v, now.x - before.x, now.y - before.y, n, b));
    }
  };
  const onPointerUp = (event: PointerEvent) => pointers.delete(event.pointerId);
  const onDoubleClick = (event: MouseEvent) => {
    const at = pointAt(event);
    if (fitted()) change((v, n, b) => zoomTo(v, 1, at, n, b));
    else fit();
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if ((event.target as HTMLElement | null)?.closest('input, textarea, select, [contenteditable="true"]')) return;
    const act = { '+': zoomIn, '=': zoomIn, '-': zoomOut, '0': fit, '1': actual }[event.key];
    if (!act) return;
    event.preventDefault();
    act();
  };

  onMount(() => {
    const observer = new ResizeObserver(() => {
      setBox({ width: stage.clientWidth, height: stage.clientHeight });
      // A new width may give the stage a new height: measured again on the next notice.
      const n = natural();
      if (!n) return;
      setView(fitted() ? fitView(n, box()) : clampView(view(), n, box()));
    });
    observer.observe(stage);
    stage.addEventListener('wheel', onWheel, { passive: false });
    document.addEventListener('keydown', onKey);
    onCleanup(() => {
      observer.disconnect();
      stage.removeEventListener('wheel', onWheel);
      document.removeEventListener('keydown', onKey);
    });
  });

  const onLoad = (event: Event) => {
    const img = event.currentTarget as HTMLImageElement;
    // An SVG without width/height has no natural size: draw it as browsers default to.
    setNatural({ width: img.naturalWidth || 300, height: img.naturalHeight || 150 });
    setBox({ width: stage.clientWidth, height: stage.clientHeight });
    fit();
  };
  const percent = () => `${Math.round(view().scale * 100)} %`;
  // As tall as the image fitted to the stage's width needs (a square image on a phone is not
  // pushed below an empty band), between 240 px and 70 % of the window.
  const stageHeight = () => {
    const n = natural();
    const cap = Math.min(720, window.innerHeight * 0.7);
    return n ? Math.round(Math.max(240, Math.min(cap, (box().width * n.height) / Math.max(1, n.width)))) : cap;
  };
  return (
    <div class="image-viewer" data-testid="image-viewer">
      <div class="viewer-bar image-bar">
        <span data-testid="image-info">
          <Show when={natural()} fallback={<span class="muted">Loading…</span>}>
            {(n) => (
              <span data-testid="image-dimensions">
                {n().width.toLocaleString('en')} × {n().height.toLocaleString('en')} px
              </span>
            )}
          </Show>
          {' · '}
          <span title={`${props.file.size.toLocaleString('en')} bytes`}>{formatSize(props.file.size)}</span>
          {' · '}
          <span>{format()}</span>
        </span>
        <fieldset class="image-zoom" aria-label="Zoom">
          <button type="button" class="button small" onClick={fit} aria-pressed={fitted()} title="Fit (0)">
            Fit
          </button>
          <button type="button" class="button small" onClick={actual} title="Actual size (1)">
            100 %
          </button>
          <button type="button" class="button small" onClick={zoomOut} aria-label="Zoom out" title="Zoom out (−)">
            −
          </button>
          <span class="image-scale" data-testid="image-scale">
            {percent()}
          </span>
          <button
            type="button"
            class="button small"
            onClick={zoomIn}
            aria-label="Zoom in"
            title="Zoom in (+)"
            data-testid="zoom-in"
          >
            +
          </button>
        </fieldset>
      </div>
      <div
        class="image-stage"
        ref={stage}
        role="application"
        aria-label="Image: drag to pan, wheel or pinch to zoom, double-click for 100 %"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onDblClick={onDoubleClick}
        style={{ height: `${stageHeight()}px` }}
        data-testid="image-stage"
      >
        <Show when={valueNow(url)}>
          {(u) => (
            <img
              src={u()}
              alt={props.file.name}
              draggable={false}
              onLoad={onLoad}
              classList={{ pixelated: view().scale >= 3 }}
              style={{
                width: natural() ? `${natural()?.width}px` : undefined,
                height: natural() ? `${natural()?.height}px` : undefined,
                transform: `translate(${view().x}px, ${view().y}px) scale(${view().scale})`,
                visibility: natural() ? 'visible' : 'hidden',
              }}
              data-testid="image"
            />
          )}
        </Show>
      </div>
    </div>
  );
}
