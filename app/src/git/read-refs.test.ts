/**
 * Revisions as a URL names them, in a repository shaped like a clone: the server's branches
 * as `refs/remotes/origin/*` only, a DVC experiment ref, and two commits made to share the
 * first five hex digits of their ids (found by hashing candidate messages, as git would).
 */
import { createHash } from 'node:crypto';
import git from 'isomorphic-git';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeReadContext, type ReadContext } from './read-context.ts';
import { GitReadError } from './read-errors.ts';
import { listRefs, resolveRevision } from './read-refs.ts';
import { makeTestRepo, type TestRepo } from './read-test-repo.ts';
import { pickDefaultBranch, serverRefsOf } from './server-refs.ts';

let repo: TestRepo;
let ctx: ReadContext;
/** Two commits whose ids start with the same five hex digits. */
let twins: [string, string];

/** The id git gives a commit object with this text. */
function commitId(text: string): string {
  const body = Buffer.from(text);
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`commit ${body.length}\0`), body]))
    .digest('hex');
}

beforeAll(async () => {
  repo = await makeTestRepo();
  ctx = makeReadContext(repo.fs, repo.dir);
  const { fs, dir, commits } = repo;
  // The server's branches, as a clone leaves them: no local branch of the same name.
  await git.writeRef({ fs, dir, ref: 'refs/remotes/origin/master', value: commits.second });
  await git.writeRef({ fs, dir, ref: 'refs/remotes/origin/HEAD', value: 'refs/remotes/origin/master', symbolic: true });
  await git.writeRef({ fs, dir, ref: `refs/exps/ab/${'c'.repeat(38)}/lucid-hare`, value: commits.feature });

  const { commit } = await git.readCommit({ fs, dir, oid: commits.first });
  const head = `tree ${commit.tree}\nauthor Ada <ada@example.org> 1700000000 +0000\ncommitter Ada <ada@example.org> 1700000000 +0000\n\n`;
  const target = commitId(`${head}twin 0\n`).slice(0, 5);
  let n = 1;
  while (commitId(`${head}twin ${n}\n`).slice(0, 5) !== target) n++;
  const a = await git.writeObject({
    fs,
    dir,
    type: 'commit',
    format: 'content',
    object: Buffer.from(`${head}twin 0\n`),
  });
  const b = await git.writeObject({
    fs,
    dir,
    type: 'commit',
    format: 'content',
    object: Buffer.from(`${head}twin ${n}\n`),
  });
  twins = [a, b].sort() as [string, string];
}, 60_000);

describe('branches of the server', () => {
  it('lists remote-tracking branches as branches, without origin/HEAD', async () => {
    const refs = await listRefs(ctx);
    expect(refs.branches).toEqual(['feature/x', 'main', 'master']);
    expect(refs.currentBranch).toBe('main');
  });

  it('resolves a branch only the server has', async () => {
    expect(await resolveRevision(ctx, 'master')).toEqual({ oid: repo.commits.second, kind: 'branch', name: 'master' });
  });

  it('opens the default branch the last fetch recorded, and says when it was chosen on this device', async () => {
    await git.setConfig({ fs: repo.fs, dir: repo.dir, path: 'cairn.defaultbranch', value: 'master' });
    await git.setConfig({ fs: repo.fs, dir: repo.dir, path: 'cairn.headfallback', value: 'true' });
    const refs = await listRefs(ctx);
    expect(refs.defaultBranch).toBe('master');
    expect(refs.defaultChosenHere).toBe(true);
    await git.setConfig({ fs: repo.fs, dir: repo.dir, path: 'cairn.headfallback', value: 'false' });
    expect((await listRefs(ctx)).defaultChosenHere).toBe(false);
    // A recorded branch that no longer exists is ignored.
    await git.setConfig({ fs: repo.fs, dir: repo.dir, path: 'cairn.defaultbranch', value: 'gone' });
    expect((await listRefs(ctx)).defaultBranch).toBe('main');
  });

  it('resolves a DVC experiment by its full ref name', async () => {
    expect(await resolveRevision(ctx, `refs/exps/ab/${'c'.repeat(38)}/lucid-hare`)).toMatchObject({
      oid: repo.commits.feature,
    });
  });
});

describe('abbreviated commit ids', () => {
  it('resolves 7 to 40 hex digits, in either case, like git', async () => {
    const { third } = repo.commits;
    for (const len of [7, 8, 12, 20, 39, 40]) {
      expect(await resolveRevision(ctx, third.slice(0, len))).toEqual({
        oid: third,
        kind: 'commit',
        name: third.slice(0, len),
      });
    }
    expect((await resolveRevision(ctx, third.slice(0, 7).toUpperCase())).oid).toBe(third);
  });

  it('does not take a tree or blob id for a commit', async () => {
    const { commit } = await git.readCommit({ fs: repo.fs, dir: repo.dir, oid: repo.commits.third });
    const error = await resolveRevision(ctx, commit.tree.slice(0, 10)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitReadError);
    expect((error as GitReadError).code).toBe('ref_not_found');
  });

  it('lists every commit an ambiguous prefix could mean', async () => {
    const [a, b] = twins;
    expect(a.slice(0, 5)).toBe(b.slice(0, 5));
    const error = await resolveRevision(ctx, a.slice(0, 5)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitReadError);
    expect((error as GitReadError).code).toBe('ambiguous_revision');
    expect((error as GitReadError).data.candidates).toEqual([a, b]);
    expect((error as GitReadError).message).toContain('2 commits start with');
    // One more digit tells them apart, when it differs.
    const longer = a.slice(0, a.split('').findIndex((c, i) => c !== b[i]) + 1);
    expect((await resolveRevision(ctx, longer)).oid).toBe(a);
  });

  it('says a well-formed id that matches nothing is not found', async () => {
    const error = await resolveRevision(ctx, 'deadbee').catch((e: unknown) => e);
    expect((error as GitReadError).code).toBe('ref_not_found');
    expect((error as GitReadError).data.ref).toBe('deadbee');
  });
});

describe('the server advertisement', () => {
  const sha = (c: string) => c.repeat(40);
  it('sorts refs and keeps HEAD only when it names an existing branch', () => {
    const refs = serverRefsOf([
      { ref: 'HEAD', oid: sha('1'), target: 'refs/heads/master' },
      { ref: 'refs/heads/master', oid: sha('1') },
      { ref: 'refs/tags/v1', oid: sha('2') },
      { ref: 'refs/tags/v1^{}', oid: sha('1') },
      { ref: `refs/exps/ab/${'c'.repeat(38)}/lucid-hare`, oid: sha('3') },
      { ref: 'refs/pull/1/head', oid: sha('4') },
    ]);
    expect(refs.head).toBe('master');
    expect([...refs.branches]).toEqual([['master', sha('1')]]);
    expect([...refs.tags]).toEqual([['v1', sha('2')]]);
    expect([...refs.exps.keys()]).toEqual([`refs/exps/ab/${'c'.repeat(38)}/lucid-hare`]);
    expect(serverRefsOf([{ ref: 'HEAD', oid: sha('1'), target: 'refs/heads/main' }]).head).toBeNull();
  });

  it('picks the server HEAD, then the API default, the only branch, a usual name, the first', () => {
    const with_ = (names: string[], head: string | null = null) => ({
      ...serverRefsOf(names.map((n) => ({ ref: `refs/heads/${n}`, oid: sha('1') }))),
      head,
    });
    expect(pickDefaultBranch(with_(['develop', 'master'], 'develop'))).toBe('develop');
    expect(pickDefaultBranch(with_(['a', 'b']), 'b')).toBe('b');
    expect(pickDefaultBranch(with_(['a', 'b']), 'gone')).toBe('a');
    expect(pickDefaultBranch(with_(['develop']))).toBe('develop');
    expect(pickDefaultBranch(with_(['develop', 'master', 'x']))).toBe('master');
    expect(pickDefaultBranch(with_(['zeta', 'alpha']))).toBe('alpha');
    expect(pickDefaultBranch(with_([]))).toBeNull();
  });
});
