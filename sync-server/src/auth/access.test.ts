import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlEngines } from '../../../test/support/sql-engines.ts';
import { makeAccountStore, type UserRecord } from '../accounts/store.ts';
import { configFromEnv } from '../config.ts';
import { makeContext, type ServerContext } from '../context.ts';
import { makeLogger } from '../log.ts';
import { makeRepoStore } from '../repos/store.ts';
import { makeServices } from '../services.ts';
import type { Access } from './access.ts';

const req = (authorization?: string) =>
  ({ headers: authorization ? { authorization } : {}, socket: { remoteAddress: '127.0.0.1' } }) as IncomingMessage;
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const url = (q = '') => new URL(`http://x/y${q}`);
const who = (u: { id: number; username: string }) => ({ userId: u.id, username: u.username, isAdmin: false });

describe.each(sqlEngines())('access on $name', (engine) => {
  let ctx: ServerContext;
  let access: Access;
  let accounts: ReturnType<typeof makeAccountStore>;
  let alice: UserRecord;
  let bob: UserRecord;
  let carol: UserRecord;
  let aliceToken: string;

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-access-'));
    ctx = await makeContext(configFromEnv({ CAIRN_DATA: dir, ...(await engine.serverEnv()) }), makeLogger('silent'));
    const services = await makeServices(ctx);
    access = services.access;
    const { repos } = services;
    accounts = makeAccountStore(ctx.sql);
    alice = await accounts.createUser('alice', 'alice-password');
    bob = await accounts.createUser('bob', 'bob-password');
    carol = await accounts.createUser('carol', 'carol-password');
    aliceToken = (await accounts.issueToken(alice.id, 'laptop')).token;
    const secret = await repos.create(alice.id, 'secret', true);
    await repos.create(alice.id, 'open', false);
    await repos.setCollaborator(secret.id, bob.id, 'read');
  });
  afterAll(async () => {
    if (ctx.sql.dialect === 'postgres') await ctx.sql.close();
    ctx.db.close();
    fs.rmSync(ctx.config.dataDir, { recursive: true, force: true });
  });

  describe('authenticate', () => {
    it('accepts a password, a token in Basic, a Bearer token and a token query parameter', async () => {
      expect(await access.authenticate(req(basic('alice', 'alice-password')), url())).toMatchObject({
        username: 'alice',
      });
      expect(await access.authenticate(req(basic('alice', aliceToken)), url())).toMatchObject({ username: 'alice' });
      expect(await access.authenticate(req(`Bearer ${aliceToken}`), url())).toMatchObject({ userId: alice.id });
      expect(await access.authenticate(req(), url(`?token=${aliceToken}`))).toMatchObject({ username: 'alice' });
    });
    it('finds the account whatever the case of the name, as before', async () => {
      expect(await access.authenticate(req(basic('ALICE', 'alice-password')), url())).toMatchObject({
        username: 'alice',
      });
      await expect(accounts.createUser('Alice', 'another-password')).rejects.toMatchObject({ code: 'name_taken' });
    });
    it('says null without credentials and invalid for wrong or malformed ones', async () => {
      expect(await access.authenticate(req(), url())).toBeNull();
      expect(await access.authenticate(req(basic('alice', 'nope-nope')), url())).toEqual({ invalid: true });
      expect(await access.authenticate(req('Bearer cairn_wrong'), url())).toEqual({ invalid: true });
      expect(await access.authenticate(req('Digest abc'), url())).toEqual({ invalid: true });
      expect(await access.authenticate(req('Basic !!!'), url())).toEqual({ invalid: true });
    });
    it('stops accepting a revoked token', async () => {
      const { token, info } = await accounts.issueToken(carol.id, 'ci');
      expect(await access.authenticate(req(`Bearer ${token}`), url())).toMatchObject({ username: 'carol' });
      expect(await accounts.revokeToken(carol.id, info.id)).toBe(true);
      expect(await access.authenticate(req(`Bearer ${token}`), url())).toEqual({ invalid: true });
    });
    it('stops accepting an old password once it is changed', async () => {
      const p = { userId: carol.id };
      expect(await access.authenticate(req(basic('carol', 'carol-password')), url())).toMatchObject(p);
      await accounts.setPassword(carol.id, 'carol-new-password');
      expect(await access.authenticate(req(basic('carol', 'carol-password')), url())).toEqual({ invalid: true });
    });
  });

  describe('names taken at the same moment', () => {
    it('makes one of two users, or repositories, created at once under one name, and refuses the other', async () => {
      const users = await Promise.allSettled([
        accounts.createUser('dave', 'dave-password'),
        accounts.createUser('Dave', 'dave-password'),
      ]);
      expect(users.filter((r) => r.status === 'fulfilled').length).toBe(1);
      expect(users.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'name_taken' } });
      const repos = makeRepoStore(ctx.sql);
      const made = await Promise.allSettled([
        repos.create(alice.id, 'race', false),
        repos.create(alice.id, 'RACE', false),
      ]);
      expect(made.filter((r) => r.status === 'fulfilled').length).toBe(1);
      expect(made.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'name_taken' } });
    });
  });

  describe('authorizeRepo', () => {
    it('lets anyone read a public repository but only grantees write', async () => {
      expect(await access.authorizeRepo(null, 'alice', 'open', 'read')).toMatchObject({ ok: true });
      expect(await access.authorizeRepo(null, 'alice', 'open', 'write')).toMatchObject({ ok: false, status: 401 });
      expect(await access.authorizeRepo(who(carol), 'alice', 'open', 'write')).toMatchObject({
        ok: false,
        status: 403,
      });
      expect(await access.authorizeRepo(who(alice), 'alice', 'open', 'admin')).toMatchObject({ ok: true });
    });
    it('hides a private repository from strangers and lets a reader read but not write', async () => {
      expect(await access.authorizeRepo(null, 'alice', 'secret', 'read')).toMatchObject({ ok: false, status: 401 });
      expect(await access.authorizeRepo(who(carol), 'alice', 'secret', 'read')).toMatchObject({
        ok: false,
        status: 404,
      });
      expect(await access.authorizeRepo(who(bob), 'alice', 'secret', 'read')).toMatchObject({ ok: true });
      expect(await access.authorizeRepo(who(bob), 'alice', 'secret', 'write')).toMatchObject({
        ok: false,
        status: 403,
      });
      expect(await access.authorizeRepo({ ...who(carol), isAdmin: true }, 'alice', 'secret', 'admin')).toMatchObject({
        ok: true,
      });
    });
    it('answers 404 for a repository that does not exist', async () => {
      expect(await access.authorizeRepo(who(bob), 'alice', 'nothing', 'read')).toMatchObject({
        ok: false,
        status: 404,
      });
      expect(await access.authorizeRepo(who(bob), '../x', 'nothing', 'read')).toMatchObject({
        ok: false,
        status: 404,
      });
    });
  });
});
