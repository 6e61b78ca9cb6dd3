import { describe, expect, it } from 'vitest';
import { type DensityInput, type Rgb, rasterLines, shadeDensity } from './pc-density.ts';

const RAMP: Rgb[] = [
  [0, 0, 255],
  [255, 0, 0],
];
const GREY: Rgb = [128, 128, 128];

function input(pos: number[][], mask: number[], bins: number[]): DensityInput {
  return {
    pos: pos.map((p) => Float32Array.from(p)),
    xs: [10, 50, 90],
    y0: 80,
    y1: 10,
    yMissing: 95,
    width: 100,
    height: 100,
    mask: Uint8Array.from(mask),
    bins: Uint8Array.from(bins),
  };
}

/** The inked pixels of a row, as [x, count] pairs. */
const row = (acc: Float64Array, y: number, unit = 1_048_576) => {
  const out: number[] = [];
  for (let x = 0; x < 100; x++) if (acc[y * 100 + x]) out.push(x, (acc[y * 100 + x] as number) % unit);
  return out;
};

describe('parallel coordinates as a density picture', () => {
  it('draws each run from the first axis to the last, kept and brushed-out runs apart', () => {
    // Run 0 along the top of every axis (kept), run 1 along the bottom (outside the brushes).
    const counts = rasterLines(
      input(
        [
          [1, 0],
          [1, 0],
          [1, 0],
        ],
        [1, 0],
        [1, 0],
      ),
    );
    const top = row(counts.kept, 10);
    expect(top.filter((_, i) => i % 2 === 0)).toEqual(Array.from({ length: 81 }, (_, i) => 10 + i));
    expect(row(counts.out as Float64Array, 80, 0).length / 2).toBe(81);
    expect(row(counts.kept, 80)).toEqual([]);
  });

  it('a steep line leaves no row empty, and a missing value goes to the missing mark', () => {
    const counts = rasterLines(input([[0], [1], [Number.NaN]], [1], [0]));
    for (let y = 10; y <= 80; y++) expect(row(counts.kept, y).length, `row ${y}`).toBeGreaterThan(0);
    expect(row(counts.kept, 95).length).toBeGreaterThan(0);
    expect(counts.out).toBeNull();
  });

  it('colours a pixel by the mean bin of its lines, opaquer where more lines pass', () => {
    // Two runs on the same line, bins 0 and 1: the ramp's middle; one run alone elsewhere.
    const counts = rasterLines(
      input(
        [
          [0.5, 0.5, 1],
          [0.5, 0.5, 1],
          [0.5, 0.5, 1],
        ],
        [1, 1, 1],
        [0, 1, 1],
      ),
    );
    const px = shadeDensity(counts, RAMP, GREY);
    const at = (x: number, y: number) => Array.from(px.subarray((y * 100 + x) * 4, (y * 100 + x) * 4 + 4));
    const [r, g, b, shared] = at(30, 45) as number[];
    expect([r, g, b]).toEqual([128, 0, 127]);
    const alone = at(30, 10);
    expect(alone.slice(0, 3)).toEqual([255, 0, 0]);
    expect(shared).toBeGreaterThan(alone[3] as number);
    expect(at(5, 5)).toEqual([0, 0, 0, 0]);
  });
});
