import { accountSettingsFromEnv } from '../accounts/settings.ts';
import { getBlobStore, getLegacyBlobStore } from '../blobs/shared-store.ts';
import type { Feature } from '../cairn.ts';
import type { ServerContext } from '../context.ts';
import { makeDvcRemoteHandler } from './dvc-remote.ts';
import { makeObjectIndex } from './object-index.ts';
import { parseRemoteAddress } from './remote-address.ts';

/**
 * The DVC remote feature: `/owner/repo.dvc/…`. Leftover temp files of uploads cut short by a
 * crash are swept before the server listens, so they can never be served or mistaken.
 */
const memo = new WeakMap<ServerContext, ReturnType<typeof makeDvcRemoteHandler>>();

export function getDvcRemote(ctx: ServerContext) {
  let h = memo.get(ctx);
  if (!h) {
    h = makeDvcRemoteHandler({
      ctx,
      store: getBlobStore(ctx),
      legacyStore: getLegacyBlobStore(ctx),
      index: makeObjectIndex(ctx.db),
      settings: accountSettingsFromEnv(ctx.config.env),
    });
    memo.set(ctx, h);
  }
  return h;
}

export async function dvcRemoteFeature(ctx: ServerContext): Promise<Feature> {
  const swept = (await getBlobStore(ctx).sweep()) + (await getLegacyBlobStore(ctx).sweep());
  if (swept > 0) ctx.log.info('removed leftover upload temp files', { count: swept });
  const remote = getDvcRemote(ctx);
  return {
    name: 'dvc-remote',
    routes: [
      {
        name: 'dvc-remote',
        match: (pathname) => parseRemoteAddress(pathname) !== null,
        handle: (req, res, url) => remote.handle(req, res, url),
      },
    ],
  };
}
