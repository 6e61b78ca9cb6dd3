import type { Access } from '../auth/access.ts';
import type { YjsAccessCheck } from './yjs-feature.ts';

/**
 * The relay's access rule, on top of the server's auth module: the document belongs to the
 * repository in its path, so whoever may read that repository may open it (public ones
 * without signing in, as for `git clone`), and whoever may write to it may edit it. A token
 * that is present but invalid is refused even for a public repository, so a client with a
 * revoked token learns it at once.
 */
export function makeRepoAccessCheck(access: Access): YjsAccessCheck {
  return async (req, url, doc) => {
    const who = await access.authenticate(req, url);
    if (who && 'invalid' in who) {
      return { ok: false, status: 401, code: 'unauthorized', message: 'The access token is not valid.' };
    }
    const read = await access.authorizeRepo(who, doc.owner, doc.repo, 'read');
    if (!read.ok) return read;
    const canWrite = who !== null && (await access.authorizeRepo(who, doc.owner, doc.repo, 'write')).ok;
    return { ok: true, canWrite, user: who?.username ?? null };
  };
}
