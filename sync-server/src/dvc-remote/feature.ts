import { BlobStoreUnavailableError } from '../blobs/blob-store.ts';
import type { Services } from '../context.ts';
import type { Feature } from '../server.ts';
import type { makeDvcRemoteHandler } from './dvc-remote.ts';
import { parseRemoteAddress } from './remote-address.ts';

/**
 * dvc-remote/ — each repository's DVC HTTP remote at `/owner/repo.dvc/` (dvc-remote.ts; the
 * protocol is in PROTOCOL.md). The handler is made by the composition root, which also gives its
 * batch call to the JSON API.
 */
export async function dvcRemoteFeature(
  { ctx, blobs, legacyBlobs }: Services,
  remote: ReturnType<typeof makeDvcRemoteHandler>,
): Promise<Feature> {
  try {
    const swept = (await blobs.sweep()) + (await legacyBlobs.sweep());
    if (swept > 0) ctx.log.info('removed leftover upload temp files', { count: swept });
  } catch (err) {
    // A bucket unreachable right now must not keep the server from starting: DVC requests get
    // 503 + Retry-After until it is back, and the next start sweeps.
    if (!(err instanceof BlobStoreUnavailableError)) throw err;
    ctx.log.error('blob store unavailable at start; leftovers not swept', { error: err.message });
  }
  return {
    name: 'dvc-remote',
    close() {
      blobs.close?.();
      legacyBlobs.close?.();
    },
    gauges: [
      {
        name: 'cairn_dvc_uploads_in_progress',
        help: 'DVC objects being received now.',
        read: () => remote.uploading,
      },
    ],
    routes: [
      {
        name: 'dvc-remote',
        match: (pathname) => parseRemoteAddress(pathname) !== null,
        handle: (req, res, url) => remote.handle(req, res, url),
      },
    ],
  };
}
