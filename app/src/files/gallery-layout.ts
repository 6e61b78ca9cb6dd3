/** The gallery's grid: as many columns of tiles at least TILE_MIN wide as fill the width. */

export const TILE_MIN = 140;
export const GAP = 12;

/** Columns and tile width that fill `width` with tiles of at least TILE_MIN. */
export function galleryColumns(width: number): { columns: number; tile: number } {
  const columns = Math.max(1, Math.floor((width + GAP) / (TILE_MIN + GAP)));
  return { columns, tile: Math.max(1, (width - GAP * (columns - 1)) / columns) };
}
