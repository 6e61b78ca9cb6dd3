import type { IncomingMessage, ServerResponse } from 'node:http';
import { makeAccountStore } from '../accounts/store.ts';
import type { Permission, Principal } from '../auth/access.ts';
import type { Services } from '../context.ts';
import { clientAddress } from '../http/client-address.ts';
import { HttpError } from '../http/http-error.ts';
import { type ApiHandler, objectBody, optionalObjectBody, SEGMENT, signedIn, stringField } from '../http/json-api.ts';
import { sendJson } from '../http/respond.ts';
import type { Routes } from '../http/router.ts';
import { copyRepository } from './copy-repo.ts';
import { createRepository } from './create-repo.ts';
import { readDefaultBranch, setDefaultBranch } from './default-branch.ts';
import { gitDirOf } from './git-dir.ts';
import { historyBytesOf } from './history-size.ts';
import type { ImportMode } from './import.ts';
import { deleteRepository, renameRepository } from './repo-lifecycle.ts';
import type { RepoRow } from './store.ts';

/**
 * The repository endpoints of the JSON API (http/json-api.ts), under `/api/v1`:
 *
 *   GET    /repos · POST /repos {name, private, description?}          list visible / create (owned by caller)
 *   POST   /repos/import {name, url, private?, mode: migrate|connect}  (or `mirror: true` = connect)
 *   GET    /repos/O/R · PATCH /repos/O/R {private?, defaultBranch?}     (admin) → the repo
 *          every repo answer carries `defaultBranch`: the branch git's HEAD names, or null,
 *          and `historyBytes`: the bytes its packs and loose objects take (a full clone's size)
 *   DELETE /repos/O/R {confirm: "O/R"}           → 204                 (admin) the full name must be
 *          typed back (or `?confirm=O/R`), as GitHub asks; takes everything (repo-lifecycle.ts)
 *   POST   /repos/O/R/rename {name?, owner?}     → {owner, name, fullName}   (admin) rename/transfer;
 *          moving to another owner needs to be that owner or a site admin; old names redirect
 *          (redirects.ts)
 *   POST   /repos/O/R/sync                       → import status       fetch a connected repo now
 *   POST   /repos/O/R/copy {name?, private?}     → 201 the copy        (read) makes CALLER/name (default:
 *          the source's name and visibility) with the source's git refs and DVC objects, no MLflow
 *          runs (copy-repo.ts); 409 name_taken, 404/401 when the caller cannot read the source
 *   GET    /repos/O/R/collaborators · PUT/DELETE /repos/O/R/collaborators/USER {permission}
 *   POST   /repos/O/R/dvc/missing {oids|hashes}  → {missing}           (dvc-remote/PROTOCOL.md)
 */
export function repoRoutes(
  { ctx, access, repos, importer, audit, artifacts }: Services,
  dvcMissing: (req: IncomingMessage, res: ServerResponse, repo: { id: number }) => Promise<void>,
): Routes<ApiHandler> {
  const accounts = makeAccountStore(ctx.sql);
  const repoFor = async (who: Principal | null, owner: string, name: string, perm: Permission): Promise<RepoRow> => {
    const r = await access.authorizeRepo(who, owner, name, perm);
    if (!r.ok) throw new HttpError(r.code as 'forbidden', r.status, r.message);
    return (await repos.find(r.repo.owner, r.repo.name)) as RepoRow;
  };
  const dirOf = (repo: RepoRow) => gitDirOf(ctx.config.dataDir, repo.id);
  /** The default branch, or null for a repository with none (or whose folder is still being made). */
  const defaultBranchOf = async (repo: RepoRow): Promise<string | null> => {
    try {
      return await readDefaultBranch(dirOf(repo));
    } catch {
      return null;
    }
  };
  const describe = async (repo: RepoRow, who: Principal | null, base: string) => {
    const grant = who?.isAdmin ? 'admin' : who ? await repos.grantOf(repo, who.userId) : null;
    return {
      owner: repo.owner,
      name: repo.name,
      fullName: `${repo.owner}/${repo.name}`,
      private: repo.isPrivate,
      description: repo.description,
      createdAt: new Date(repo.createdAt).toISOString(),
      defaultBranch: await defaultBranchOf(repo),
      // About what a full clone downloads (history-size.ts): the app offers "latest only" when large.
      historyBytes: await historyBytesOf(dirOf(repo)),
      permission: grant ?? (repo.isPrivate ? null : 'read'),
      cloneUrl: `${base}/${repo.owner}/${repo.name}.git`,
      dvcRemote: `${base}/${repo.owner}/${repo.name}.dvc`,
      mlflowTrackingUri: `${base}/${repo.owner}/${repo.name}.mlflow`,
      import: await importer.status(repo.id),
    };
  };
  const baseOf = (req: IncomingMessage) => `http://${req.headers.host ?? `${ctx.config.host}:${ctx.config.port}`}`;
  const permission = (v: unknown): Permission => {
    if (v === 'read' || v === 'write' || v === 'admin') return v;
    throw new HttpError('bad_request', 400, '"permission" must be read, write or admin.');
  };

  return [
    [
      'GET',
      /^\/repos$/,
      async ({ req, res, who }) => {
        const visible = await repos.listVisible(who?.userId ?? null, who?.isAdmin ?? false);
        // One short git process per repository reads its HEAD; a few at a time, not all at once.
        const out = await mapInBatches(visible, 4, (r) => describe(r, who, baseOf(req)));
        sendJson(res, 200, { repos: out });
      },
    ],
    [
      'POST',
      /^\/repos$/,
      async ({ req, res, who }) => {
        const me = signedIn(who);
        const b = await objectBody(req);
        const repo = await createRepository(
          ctx,
          me.userId,
          stringField(b, 'name'),
          b.private === true,
          typeof b.description === 'string' ? b.description : '',
        );
        sendJson(res, 201, await describe(repo, me, baseOf(req)));
      },
    ],
    [
      'POST',
      /^\/repos\/import$/,
      async ({ req, res, who }) => {
        const me = signedIn(who);
        const b = await objectBody(req);
        const mode: ImportMode = b.mode === 'connect' || b.mirror === true ? 'connect' : 'migrate';
        if (b.mode !== undefined && b.mode !== 'migrate' && b.mode !== 'connect') {
          throw new HttpError('bad_request', 400, '"mode" must be migrate or connect.');
        }
        const repo = await importer.importRepo(
          me.userId,
          stringField(b, 'name'),
          b.private === true,
          stringField(b, 'url'),
          mode,
        );
        sendJson(res, 201, await describe(repo, me, baseOf(req)));
      },
    ],
    [
      'GET',
      new RegExp(`^/repos/(${SEGMENT})/(${SEGMENT})$`),
      async ({ req, res, who, params }) =>
        sendJson(res, 200, await describe(await repoFor(who, params[0]!, params[1]!, 'read'), who, baseOf(req))),
    ],
    [
      'PATCH',
      new RegExp(`^/repos/(${SEGMENT})/(${SEGMENT})$`),
      async ({ req, res, who, params }) => {
        const me = signedIn(who);
        const repo = await repoFor(me, params[0]!, params[1]!, 'admin');
        const b = await objectBody(req);
        if (b.private === undefined && b.defaultBranch === undefined) {
          throw new HttpError('bad_request', 400, 'Send "private" (true or false) and/or "defaultBranch".');
        }
        if (b.private !== undefined && typeof b.private !== 'boolean') {
          throw new HttpError('bad_request', 400, '"private" must be true or false.');
        }
        if (b.defaultBranch !== undefined) {
          if (typeof b.defaultBranch !== 'string') {
            throw new HttpError('bad_request', 400, '"defaultBranch" must be the name of a branch.');
          }
          if (await importer.isMirror(repo.id)) {
            throw new HttpError(
              'mirror_read_only',
              403,
              `${repo.owner}/${repo.name} mirrors another repository and follows its default branch; change it at the source.`,
            );
          }
          // Checked and applied first: a refused branch leaves every setting as it was.
          await setDefaultBranch(dirOf(repo), b.defaultBranch, me.username);
        }
        if (typeof b.private === 'boolean') await repos.setPrivate(repo.id, b.private);
        sendJson(res, 200, await describe((await repos.find(repo.owner, repo.name)) as RepoRow, who, baseOf(req)));
      },
    ],
    [
      'DELETE',
      new RegExp(`^/repos/(${SEGMENT})/(${SEGMENT})$`),
      async ({ req, res, url, who, params }) => {
        const me = signedIn(who);
        const repo = await repoFor(me, params[0]!, params[1]!, 'admin');
        const b = await optionalObjectBody(req);
        const fullName = `${repo.owner}/${repo.name}`;
        const confirm = typeof b.confirm === 'string' ? b.confirm : url.searchParams.get('confirm');
        if (confirm !== fullName) {
          throw new HttpError(
            'confirmation_required',
            400,
            `Deleting ${fullName} removes its code, data, runs and notes. Send {"confirm": "${fullName}"} to go ahead.`,
          );
        }
        await deleteRepository(ctx, repo, artifacts);
        await audit.record({
          action: 'repo_deleted',
          actor: me.username,
          target: fullName,
          address: clientAddress(req),
        });
        ctx.log.info('repository deleted', { repo: fullName, by: me.username });
        res.writeHead(204).end();
      },
    ],
    [
      'POST',
      new RegExp(`^/repos/(${SEGMENT})/(${SEGMENT})/rename$`),
      async ({ req, res, who, params }) => {
        const me = signedIn(who);
        const repo = await repoFor(me, params[0]!, params[1]!, 'admin');
        const b = await optionalObjectBody(req);
        const newName = b.name === undefined ? repo.name : b.name;
        const newOwner = b.owner === undefined ? repo.owner : b.owner;
        if (typeof newName !== 'string' || typeof newOwner !== 'string') {
          throw new HttpError('bad_request', 400, '"name" and "owner" must be strings.');
        }
        const owner = await accounts.findUser(newOwner);
        if (!owner) throw new HttpError('not_found', 404, `No user ${newOwner}.`);
        if (owner.id !== repo.ownerId && owner.id !== me.userId && !me.isAdmin) {
          throw new HttpError(
            'forbidden',
            403,
            `Only ${owner.username} or a site admin may move a repository to ${owner.username}.`,
          );
        }
        const from = `${repo.owner}/${repo.name}`;
        await renameRepository(ctx, repo, { ownerId: owner.id, owner: owner.username, name: newName });
        const to = `${owner.username}/${newName}`;
        await audit.record({
          action: 'repo_renamed',
          actor: me.username,
          target: from,
          address: clientAddress(req),
          detail: { to },
        });
        sendJson(res, 200, { owner: owner.username, name: newName, fullName: to });
      },
    ],
    [
      'POST',
      new RegExp(`^/repos/(${SEGMENT})/(${SEGMENT})/copy$`),
      async ({ req, res, who, params }) => {
        const me = signedIn(who);
        const source = await repoFor(me, params[0]!, params[1]!, 'read');
        const b = await optionalObjectBody(req);
        if (b.name !== undefined && typeof b.name !== 'string') {
          throw new HttpError('bad_request', 400, '"name" must be the name of the new repository.');
        }
        if (b.private !== undefined && typeof b.private !== 'boolean') {
          throw new HttpError('bad_request', 400, '"private" must be true or false.');
        }
        const name = typeof b.name === 'string' ? b.name : source.name;
        if (await repos.find(me.username, name)) {
          throw new HttpError('name_taken', 409, `${me.username} already has a repository named ${name}.`);
        }
        const copy = await copyRepository(
          ctx,
          source,
          me.userId,
          name,
          typeof b.private === 'boolean' ? b.private : source.isPrivate,
        );
        const from = `${source.owner}/${source.name}`;
        const to = `${copy.owner}/${copy.name}`;
        await audit.record({
          action: 'repo_copied',
          actor: me.username,
          target: to,
          address: clientAddress(req),
          detail: { from },
        });
        ctx.log.info('repository copied', { from, to, by: me.username });
        sendJson(res, 201, await describe(copy, me, baseOf(req)));
      },
    ],
    [
      'POST',
      new RegExp(`^/repos/(${SEGMENT})/(${SEGMENT})/sync$`),
      async ({ res, who, params }) => {
        const repo = await repoFor(signedIn(who), params[0]!, params[1]!, 'write');
        const status = await importer.sync(repo);
        // 409, not 404: the repository exists and the caller may see it; it just has no source.
        if (!status) {
          throw new HttpError(
            'not_a_mirror',
            409,
            `${repo.owner}/${repo.name} was not imported from another server, so there is nothing to sync from: push to it instead.`,
          );
        }
        sendJson(res, 200, status);
      },
    ],
    [
      'GET',
      new RegExp(`^/repos/(${SEGMENT})/(${SEGMENT})/collaborators$`),
      async ({ res, who, params }) => {
        const repo = await repoFor(signedIn(who), params[0]!, params[1]!, 'read');
        sendJson(res, 200, { collaborators: await repos.listCollaborators(repo.id) });
      },
    ],
    [
      'PUT',
      new RegExp(`^/repos/(${SEGMENT})/(${SEGMENT})/collaborators/(${SEGMENT})$`),
      async ({ req, res, who, params }) => {
        const repo = await repoFor(signedIn(who), params[0]!, params[1]!, 'admin');
        const user = await accounts.findUser(params[2]!);
        if (!user) throw new HttpError('not_found', 404, `No user ${params[2]}.`);
        const b = await objectBody(req);
        await repos.setCollaborator(repo.id, user.id, permission(b.permission));
        sendJson(res, 200, { collaborators: await repos.listCollaborators(repo.id) });
      },
    ],
    [
      'DELETE',
      new RegExp(`^/repos/(${SEGMENT})/(${SEGMENT})/collaborators/(${SEGMENT})$`),
      async ({ res, who, params }) => {
        const repo = await repoFor(signedIn(who), params[0]!, params[1]!, 'admin');
        const user = await accounts.findUser(params[2]!);
        if (!user || !(await repos.removeCollaborator(repo.id, user.id))) {
          throw new HttpError('not_found', 404, `${params[2]} is not a collaborator.`);
        }
        res.writeHead(204).end();
      },
    ],
    [
      'POST',
      new RegExp(`^/repos/(${SEGMENT})/(${SEGMENT})/dvc/missing$`),
      async ({ req, res, who, params }) => dvcMissing(req, res, await repoFor(who, params[0]!, params[1]!, 'read')),
    ],
  ];
}

/** `fn` over `items`, at most `size` at a time, results in order. */
async function mapInBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}
