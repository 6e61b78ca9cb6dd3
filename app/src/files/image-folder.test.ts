import { describe, expect, it } from 'vitest';
import type { BrowseEntry, PlacedOut } from './dvc-overlay.ts';
import { galleryColumns } from './gallery-layout.ts';
import { imagePosition, mostlyImages } from './image-folder.ts';
import { dataTotals } from './tracked-by.ts';

function entry(path: string, type: BrowseEntry['type'] = 'file', size: number | null = null): BrowseEntry {
  return { name: path.split('/').pop() as string, path, type, source: 'dvc', oid: '', size, nfiles: null };
}

const images = [
  entry('data/images/masks', 'folder'),
  entry('data/images/img_000.png'),
  entry('data/images/img_001.PNG'),
  entry('data/images/img_002.jpg'),
  entry('data/images/labels.csv'),
];

describe('image folders', () => {
  it('offers a gallery when most files are images, whatever their subfolders', () => {
    expect(mostlyImages(images)).toBe(true);
    expect(mostlyImages([entry('a.png'), entry('b.webp')])).toBe(true);
  });

  it('does not for code, a lone image, or a few images among many files', () => {
    expect(mostlyImages([entry('README.md'), entry('logo.svg')])).toBe(false);
    expect(mostlyImages([entry('a.png'), entry('b.png'), entry('c.py'), entry('d.py')])).toBe(false);
    expect(mostlyImages([entry('x', 'folder'), entry('y', 'folder')])).toBe(false);
    expect(mostlyImages([])).toBe(false);
  });

  it('places an image among the images of its folder, skipping folders and other files', () => {
    expect(imagePosition(images, 'data/images/img_000.png')).toEqual({
      index: 1,
      total: 3,
      previous: null,
      next: 'data/images/img_001.PNG',
    });
    expect(imagePosition(images, 'data/images/img_002.jpg')).toEqual({
      index: 3,
      total: 3,
      previous: 'data/images/img_001.PNG',
      next: null,
    });
    expect(imagePosition(images, 'data/images/labels.csv')).toBeNull();
  });

  it('fills the width with tiles of at least 140 px', () => {
    expect(galleryColumns(1248)).toEqual({ columns: 8, tile: (1248 - 7 * 12) / 8 });
    expect(galleryColumns(358).columns).toBe(2);
    expect(galleryColumns(100)).toEqual({ columns: 1, tile: 100 });
  });
});

describe("a data folder's banner", () => {
  const out = { fullPath: 'data/raw/images', size: 2_345_678, nfiles: 64, pointer: 'data/raw/images.dvc' } as PlacedOut;

  it('gives the size and file count the .dvc entry records, at the tracked folder itself', () => {
    // DVC 3 manifests have no sizes: summing the listing would say nothing.
    expect(dataTotals(out, 'data/raw/images', images)).toEqual({ nfiles: 64, size: 2_345_678 });
    expect(dataTotals(out, 'data/raw/images', null)).toEqual({ nfiles: 64, size: 2_345_678 });
  });

  it("gives a subfolder's own totals inside it", () => {
    const masks = [entry('data/raw/images/masks/a.png', 'file', 10), entry('data/raw/images/masks/b.png', 'file', 5)];
    expect(dataTotals(out, 'data/raw/images/masks', masks)).toEqual({ nfiles: 2, size: 15 });
  });
});
