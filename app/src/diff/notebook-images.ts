/** The images among a cell's outputs, as data URLs, for the side-by-side view of changed outputs. */

const IMAGE_MIMES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

export function outputImages(outputs: readonly unknown[]): string[] {
  const images: string[] = [];
  for (const raw of outputs) {
    const data = ((raw as { data?: unknown } | null)?.data ?? {}) as Record<string, unknown>;
    for (const mime of IMAGE_MIMES) {
      const v = data[mime];
      if (v === undefined) continue;
      const b64 = (Array.isArray(v) ? v.join('') : String(v)).replace(/\s+/g, '');
      images.push(`data:${mime};base64,${b64}`);
      break;
    }
    if ('image/svg+xml' in data) {
      const svg = data['image/svg+xml'];
      // Through <img>, an SVG cannot run scripts.
      images.push(
        `data:image/svg+xml;charset=utf-8,${encodeURIComponent(Array.isArray(svg) ? svg.join('') : String(svg))}`,
      );
    }
  }
  return images;
}
