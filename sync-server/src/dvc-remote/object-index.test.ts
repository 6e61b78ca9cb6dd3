import { describe, expect, it } from 'vitest';
import { sqlEngines } from '../../../test/support/sql-engines.ts';
import { migrateAccounts } from '../accounts/schema.ts';
import { makeAccountStore } from '../accounts/store.ts';
import { makeAuditLog, migrateAuditLog } from '../audit/audit-log.ts';
import { makeRepoStore } from '../repos/store.ts';
import { makeObjectIndex } from './object-index.ts';

describe.each(sqlEngines())('the DVC object index and the audit log on $name', (engine) => {
  it('indexes objects per repository, once each, and answers which of many are missing', async () => {
    const { sql, cleanup } = await engine.open();
    try {
      await migrateAccounts(sql);
      const alice = await makeAccountStore(sql).createUser('alice', null);
      const repos = makeRepoStore(sql);
      const a = await repos.create(alice.id, 'a', false);
      const b = await repos.create(alice.id, 'b', false);
      const index = makeObjectIndex(sql);
      const oid = (i: number) => i.toString(16).padStart(32, '0');
      const big = 6 * 1024 ** 3; // sizes past 32 bits stay exact
      await index.add(a.id, oid(1), big);
      await index.add(a.id, oid(1), big);
      await index.add(a.id, `${oid(2)}.dir`, 10);
      expect(await index.get(a.id, oid(1))).toEqual({ size: big });
      expect(await index.get(b.id, oid(1))).toBeNull();
      expect(await index.count(a.id)).toBe(2);
      // More names than one IN list takes, with duplicates: answered in the order asked, once each.
      const asked = [oid(3), oid(1), ...Array.from({ length: 1200 }, (_, i) => oid(100 + i)), oid(3)];
      const missing = await index.missing(a.id, asked);
      expect(missing.length).toBe(1201);
      expect(missing.slice(0, 2)).toEqual([oid(3), oid(100)]);
      expect(missing).not.toContain(oid(1));
      // Deleting a repository takes its index rows with it.
      await repos.remove(a.id);
      expect(await index.count(a.id)).toBe(0);
    } finally {
      await cleanup();
    }
  });

  it('keeps audit events newest first, paged by id and filtered by action', async () => {
    const { sql, cleanup } = await engine.open();
    try {
      await migrateAuditLog(sql);
      const audit = makeAuditLog(sql);
      for (const action of ['sign_in', 'token_created', 'sign_in']) {
        await audit.record({ action, actor: 'alice', target: 'session', address: '127.0.0.1', detail: { n: 1 } });
      }
      const all = await audit.list({ limit: 10 });
      expect(all.map((e) => e.action)).toEqual(['sign_in', 'token_created', 'sign_in']);
      expect(all[0]?.detail).toEqual({ n: 1 });
      expect(new Date(all[0]?.at as string).getTime()).toBeGreaterThan(0);
      const page = await audit.list({ limit: 1, before: all[0]?.id as number });
      expect(page.map((e) => e.id)).toEqual([all[1]?.id]);
      expect((await audit.list({ limit: 10, action: 'sign_in' })).length).toBe(2);
    } finally {
      await cleanup();
    }
  });
});
