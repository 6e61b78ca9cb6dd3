import { encodeGrayPng } from './png.ts';
import { SeededRandom } from './seeded-random.ts';

/**
 * The demo's raw data, generated (no download): `annotations.csv`, one row per annotated
 * object, and a folder of small grayscale images with their segmentation masks. Version 2
 * adds objects and images on top of version 1, as a team collecting more data would.
 */

export const LABELS = ['cell', 'nucleus', 'membrane', 'debris'] as const;
const ANNOTATORS = ['ana', 'bo', 'chen', 'dara'];
const IMAGE_SIZE = 64;

export interface RawDataVersion {
  /** Objects (rows) in annotations.csv. */
  objects: number;
  /** Image/mask pairs in the images folder. */
  images: number;
}

export const RAW_V1: RawDataVersion = { objects: 3000, images: 24 };
export const RAW_V2: RawDataVersion = { objects: 4000, images: 32 };

export interface AnnotationRow {
  imageId: string;
  objectId: number;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
  annotator: string;
}

/** The rows of a version; a later version starts with exactly the rows of an earlier one. */
export function annotationRows(version: RawDataVersion): AnnotationRow[] {
  const random = new SeededRandom(20260105);
  const rows: AnnotationRow[] = [];
  for (let i = 0; i < version.objects; i++) {
    const width = random.int(4, 40);
    const height = random.int(4, 40);
    rows.push({
      imageId: `img_${String(Math.floor(i / 5)).padStart(4, '0')}`,
      objectId: i,
      label: LABELS[Math.min(LABELS.length - 1, Math.floor(random.next() ** 1.6 * LABELS.length))] as string,
      x: random.int(0, 512 - width),
      y: random.int(0, 512 - height),
      width,
      height,
      annotator: random.pick(ANNOTATORS),
    });
  }
  return rows;
}

/** `annotations.csv` (LF line ends, header first). */
export function annotationsCsv(version: RawDataVersion): string {
  const lines = ['image_id,object_id,label,x,y,width,height,area,annotator'];
  for (const r of annotationRows(version)) {
    lines.push(
      `${r.imageId},${r.objectId},${r.label},${r.x},${r.y},${r.width},${r.height},${r.width * r.height},${r.annotator}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The images folder: `img_NNN.png` and `masks/img_NNN.png`, relpath → bytes. */
export function imageFiles(version: RawDataVersion): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (let i = 0; i < version.images; i++) {
    const { image, mask } = syntheticImage(1000 + i);
    const name = `img_${String(i).padStart(3, '0')}.png`;
    files.set(name, encodeGrayPng(IMAGE_SIZE, IMAGE_SIZE, image));
    files.set(`masks/${name}`, encodeGrayPng(IMAGE_SIZE, IMAGE_SIZE, mask));
  }
  return files;
}

/** A noisy micrograph-like image with a few bright ellipses, and the mask of those ellipses. */
function syntheticImage(seed: number): { image: Uint8Array; mask: Uint8Array } {
  const random = new SeededRandom(seed);
  const n = IMAGE_SIZE * IMAGE_SIZE;
  const image = new Uint8Array(n);
  const mask = new Uint8Array(n);
  const blobs = Array.from({ length: random.int(2, 5) }, () => ({
    cx: random.int(8, IMAGE_SIZE - 8),
    cy: random.int(8, IMAGE_SIZE - 8),
    rx: random.int(3, 10),
    ry: random.int(3, 10),
    level: random.int(150, 230),
  }));
  for (let y = 0; y < IMAGE_SIZE; y++) {
    for (let x = 0; x < IMAGE_SIZE; x++) {
      let v = 40 + random.int(0, 30);
      for (const b of blobs) {
        const d = ((x - b.cx) / b.rx) ** 2 + ((y - b.cy) / b.ry) ** 2;
        if (d <= 1) {
          v = Math.max(v, b.level - Math.round(d * 40) + random.int(0, 10));
          mask[y * IMAGE_SIZE + x] = 255;
        }
      }
      image[y * IMAGE_SIZE + x] = Math.min(255, v);
    }
  }
  return { image, mask };
}
