/**
 * The image viewer's zoom and pan as plain arithmetic: the image (natural size) is drawn at
 * `translate(x, y) scale(scale)` inside a stage. Zooming keeps the point under the cursor (or
 * between two fingers) still; panning never loses the image: a side smaller than the stage is
 * centred, a larger one cannot leave a gap at its edges.
 */

export interface Size {
  width: number;
  height: number;
}

export interface View {
  scale: number;
  x: number;
  y: number;
}

export const MIN_SCALE = 0.02;
export const MAX_SCALE = 64;
/** One press of + or −. */
export const STEP = 1.25;

function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/** One axis: centred when it fits, else kept covering the stage. */
function clampAxis(offset: number, drawn: number, stage: number): number {
  if (drawn <= stage) return (stage - drawn) / 2;
  return Math.min(0, Math.max(stage - drawn, offset));
}

/** The view moved back so the image covers (or is centred in) the stage. */
export function clampView(view: View, image: Size, stage: Size): View {
  return {
    scale: view.scale,
    x: clampAxis(view.x, image.width * view.scale, stage.width),
    y: clampAxis(view.y, image.height * view.scale, stage.height),
  };
}

/** The whole image in the stage, as large as it fits, centred. */
export function fitView(image: Size, stage: Size): View {
  const scale = clampScale(Math.min(stage.width / Math.max(1, image.width), stage.height / Math.max(1, image.height)));
  return clampView({ scale, x: 0, y: 0 }, image, stage);
}

/** The image at `scale`, keeping the stage point `at` on the same image pixel. */
export function zoomTo(view: View, scale: number, at: { x: number; y: number }, image: Size, stage: Size): View {
  const next = clampScale(scale);
  const k = next / view.scale;
  return clampView({ scale: next, x: at.x - (at.x - view.x) * k, y: at.y - (at.y - view.y) * k }, image, stage);
}

/** Zoom by a factor (wheel, pinch, +/−) about `at`. */
export function zoomBy(view: View, factor: number, at: { x: number; y: number }, image: Size, stage: Size): View {
  return zoomTo(view, view.scale * factor, at, image, stage);
}

/** Pan by a pointer movement. */
export function panBy(view: View, dx: number, dy: number, image: Size, stage: Size): View {
  return clampView({ scale: view.scale, x: view.x + dx, y: view.y + dy }, image, stage);
}

/** A wheel event's zoom factor: smooth for trackpads, ×1.25-ish per mouse notch. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const pixels = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-pixels * 0.002);
}
