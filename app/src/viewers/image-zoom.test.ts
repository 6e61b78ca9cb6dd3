import { describe, expect, it } from 'vitest';
import { clampView, fitView, MAX_SCALE, panBy, wheelFactor, zoomBy, zoomTo } from './image-zoom.ts';

const stage = { width: 800, height: 600 };

describe('image zoom and pan', () => {
  it('fits a large image inside the stage, centred', () => {
    expect(fitView({ width: 4000, height: 1000 }, stage)).toEqual({ scale: 0.2, x: 0, y: 200 });
  });

  it('fits a small image up to the stage, so a 64 px mask is not a speck', () => {
    expect(fitView({ width: 64, height: 64 }, stage)).toEqual({ scale: 600 / 64, x: 100, y: 0 });
  });

  it('zooms about the pointer: the image pixel under it stays under it', () => {
    const image = { width: 2000, height: 2000 };
    const view = { scale: 1, x: -500, y: -500 };
    const at = { x: 300, y: 200 };
    const pixel = { x: (at.x - view.x) / view.scale, y: (at.y - view.y) / view.scale };
    const zoomed = zoomBy(view, 2, at, image, stage);
    expect(zoomed.scale).toBe(2);
    expect((at.x - zoomed.x) / zoomed.scale).toBeCloseTo(pixel.x);
    expect((at.y - zoomed.y) / zoomed.scale).toBeCloseTo(pixel.y);
  });

  it('never zooms past its limits', () => {
    expect(zoomTo({ scale: 1, x: 0, y: 0 }, 1e6, { x: 0, y: 0 }, { width: 10, height: 10 }, stage).scale).toBe(
      MAX_SCALE,
    );
  });

  it('pans a zoomed image but never past its edges, and keeps a smaller one centred', () => {
    const image = { width: 1600, height: 1200 };
    const view = { scale: 1, x: -100, y: -100 };
    expect(panBy(view, 50, 50, image, stage)).toEqual({ scale: 1, x: -50, y: -50 });
    expect(panBy(view, 500, 500, image, stage)).toEqual({ scale: 1, x: 0, y: 0 });
    expect(panBy(view, -5000, -5000, image, stage)).toEqual({ scale: 1, x: -800, y: -600 });
    expect(clampView({ scale: 1, x: -300, y: 40 }, { width: 200, height: 100 }, stage)).toEqual({
      scale: 1,
      x: 300,
      y: 250,
    });
  });

  it('zooms in for a wheel turned forward, out for backward', () => {
    expect(wheelFactor(-100, 0)).toBeGreaterThan(1);
    expect(wheelFactor(100, 0)).toBeLessThan(1);
    expect(wheelFactor(-3, 1)).toBeCloseTo(wheelFactor(-48, 0));
  });
});
