/** Images, SVG included: shown through <img>, where an SVG cannot run scripts. */
import { createResource, onCleanup, Show } from 'solid-js';
import { extensionOf } from './pick-viewer.ts';
import type { ViewFile } from './view-file.ts';

const TYPES: Record<string, string> = {
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  bmp: 'image/bmp',
  ico: 'image/x-icon',
};

export default function ImageViewer(props: { file: ViewFile }) {
  const [url] = createResource(
    () => props.file,
    async (file) => {
      const blob = await file.blob();
      return URL.createObjectURL(
        new Blob([blob], { type: TYPES[extensionOf(file.name)] ?? 'application/octet-stream' }),
      );
    },
  );
  onCleanup(() => {
    const u = url();
    if (u) URL.revokeObjectURL(u);
  });
  return (
    <div class="image-viewer" data-testid="image-viewer">
      <Show when={url()}>{(u) => <img src={u()} alt={props.file.name} />}</Show>
    </div>
  );
}
