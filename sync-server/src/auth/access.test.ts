import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeAccountStore } from '../accounts/store.ts';
import { makeAuditLog } from '../audit/audit-log.ts';
import { configFromEnv } from '../config.ts';
import { makeContext } from '../context.ts';
import { makeLogger } from '../log.ts';
import { makeRepoStore } from '../repos/store.ts';
import { makeAccess } from './access.ts';
import { makeSignInLimits, signInLimitSettingsFromEnv } from './sign-in-limits.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-access-'));
const ctx = await makeContext(configFromEnv({ CAIRN_DATA: dir }), makeLogger('silent'));
afterAll(() => {
  ctx.db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const accounts = makeAccountStore(ctx.db);
const repos = makeRepoStore(ctx.db);
const parts = { repos, signInLimits: makeSignInLimits(signInLimitSettingsFromEnv({})), audit: makeAuditLog(ctx.db) };
const alice = accounts.createUser('alice', 'alice-password');
const bob = accounts.createUser('bob', 'bob-password');
const carol = accounts.createUser('carol', 'carol-password');
const { token: aliceToken } = accounts.issueToken(alice.id, 'laptop');
repos.create(alice.id, 'secret', true);
repos.create(alice.id, 'open', false);
const secret = repos.find('alice', 'secret')!;
repos.setCollaborator(secret.id, bob.id, 'read');

const req = (authorization?: string) =>
  ({ headers: authorization ? { authorization } : {}, socket: { remoteAddress: '127.0.0.1' } }) as IncomingMessage;
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const url = (q = '') => new URL(`http://x/y${q}`);

describe('authenticate', () => {
  const access = makeAccess(ctx, parts);
  it('accepts a password, a token in Basic, a Bearer token and a token query parameter', () => {
    expect(access.authenticate(req(basic('alice', 'alice-password')), url())).toMatchObject({ username: 'alice' });
    expect(access.authenticate(req(basic('alice', aliceToken)), url())).toMatchObject({ username: 'alice' });
    expect(access.authenticate(req(`Bearer ${aliceToken}`), url())).toMatchObject({ userId: alice.id });
    expect(access.authenticate(req(), url(`?token=${aliceToken}`))).toMatchObject({ username: 'alice' });
  });
  it('says null without credentials and invalid for wrong or malformed ones', () => {
    expect(access.authenticate(req(), url())).toBeNull();
    expect(access.authenticate(req(basic('alice', 'nope-nope')), url())).toEqual({ invalid: true });
    expect(access.authenticate(req('Bearer cairn_wrong'), url())).toEqual({ invalid: true });
    expect(access.authenticate(req('Digest abc'), url())).toEqual({ invalid: true });
    expect(access.authenticate(req('Basic !!!'), url())).toEqual({ invalid: true });
  });
  it('stops accepting a revoked token', () => {
    const { token, info } = accounts.issueToken(carol.id, 'ci');
    expect(access.authenticate(req(`Bearer ${token}`), url())).toMatchObject({ username: 'carol' });
    expect(accounts.revokeToken(carol.id, info.id)).toBe(true);
    expect(access.authenticate(req(`Bearer ${token}`), url())).toEqual({ invalid: true });
  });
  it('stops accepting an old password once it is changed', () => {
    const p = { userId: carol.id };
    expect(access.authenticate(req(basic('carol', 'carol-password')), url())).toMatchObject(p);
    accounts.setPassword(carol.id, 'carol-new-password');
    expect(access.authenticate(req(basic('carol', 'carol-password')), url())).toEqual({ invalid: true });
  });
});

describe('authorizeRepo', () => {
  const access = makeAccess(ctx, parts);
  const who = (u: { id: number; username: string }) => ({ userId: u.id, username: u.username, isAdmin: false });
  it('lets anyone read a public repository but only grantees write', () => {
    expect(access.authorizeRepo(null, 'alice', 'open', 'read')).toMatchObject({ ok: true });
    expect(access.authorizeRepo(null, 'alice', 'open', 'write')).toMatchObject({ ok: false, status: 401 });
    expect(access.authorizeRepo(who(carol), 'alice', 'open', 'write')).toMatchObject({ ok: false, status: 403 });
    expect(access.authorizeRepo(who(alice), 'alice', 'open', 'admin')).toMatchObject({ ok: true });
  });
  it('hides a private repository from strangers and lets a reader read but not write', () => {
    expect(access.authorizeRepo(null, 'alice', 'secret', 'read')).toMatchObject({ ok: false, status: 401 });
    expect(access.authorizeRepo(who(carol), 'alice', 'secret', 'read')).toMatchObject({ ok: false, status: 404 });
    expect(access.authorizeRepo(who(bob), 'alice', 'secret', 'read')).toMatchObject({ ok: true });
    expect(access.authorizeRepo(who(bob), 'alice', 'secret', 'write')).toMatchObject({ ok: false, status: 403 });
    expect(access.authorizeRepo({ ...who(carol), isAdmin: true }, 'alice', 'secret', 'admin')).toMatchObject({
      ok: true,
    });
  });
  it('answers 404 for a repository that does not exist', () => {
    expect(access.authorizeRepo(who(bob), 'alice', 'nothing', 'read')).toMatchObject({ ok: false, status: 404 });
    expect(access.authorizeRepo(who(bob), '../x', 'nothing', 'read')).toMatchObject({ ok: false, status: 404 });
  });
});
