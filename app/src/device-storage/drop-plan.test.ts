import { describe, expect, it } from 'vitest';
import type { ObjectId } from '../storage/blob-store.ts';
import { type CachedObject, onlyHereWarning, planDrop } from './drop-plan.ts';

const id = (hex: string, dir = false): ObjectId => `md5/${hex.padEnd(32, '0')}${dir ? '.dir' : ''}` as ObjectId;
const obj = (hex: string, size: number, path: string, dir = false): CachedObject => ({
  id: id(hex, dir),
  size,
  paths: [path],
});

describe('which cached objects may leave this device', () => {
  const onServer = obj('a1', 1000, 'data/raw.csv');
  const newHere = obj('b2', 5 * 1024 * 1024, 'data/new.csv');
  const manifest = obj('c3', 200, 'data/images', true);
  const shared = obj('d4', 300, 'models/model.pkl');

  it('drops only what the server confirmed, and names the rest', () => {
    const plan = planDrop([onServer, newHere, manifest], new Set([onServer.id, manifest.id]));
    expect(plan.drop.map((o) => o.id)).toEqual([onServer.id]);
    expect(plan.dropBytes).toBe(1000);
    expect(plan.onlyHere.map((o) => o.paths[0])).toEqual(['data/new.csv']);
    expect(plan.onlyHereBytes).toBe(5 * 1024 * 1024);
    // A folder's manifest stays even when the server has it: it lists the folder's files.
    expect(plan.keep.find((k) => k.id === manifest.id)?.reason).toBe('manifest');
  });

  it('keeps bytes another repository on this device cannot fetch again', () => {
    const plan = planDrop([onServer, shared], new Set([onServer.id, shared.id]), new Map([[shared.id, ['me/local']]]));
    expect(plan.drop.map((o) => o.id)).toEqual([onServer.id]);
    expect(plan.keep).toEqual([{ ...shared, reason: 'used_elsewhere', usedBy: ['me/local'] }]);
  });

  it('drops nothing when the server confirms nothing', () => {
    const plan = planDrop([onServer, newHere], new Set());
    expect(plan.drop).toEqual([]);
    expect(plan.onlyHere).toHaveLength(2);
  });
});

describe('the warning that names files existing only here', () => {
  it('says nothing when every file is on the server', () => {
    expect(onlyHereWarning(planDrop([obj('a1', 10, 'x.csv')], new Set([id('a1')])).keep)).toBeNull();
  });

  it('names one file with its size', () => {
    const plan = planDrop([obj('b2', 12 * 1024 * 1024, 'data/new.csv')], new Set());
    expect(onlyHereWarning(plan.keep)).toBe('1 file (12 MB) exists only on this device: data/new.csv.');
  });

  it('names the first five paths in order and counts the others', () => {
    const objects = ['f', 'e', 'd', 'c', 'b', 'a', 'g'].map((p, i) => obj(`${i}9`, 1024, `data/${p}.csv`));
    expect(onlyHereWarning(planDrop(objects, new Set()).keep)).toBe(
      '7 files (7.0 KB) exist only on this device: data/a.csv, data/b.csv, data/c.csv, data/d.csv, data/e.csv and 2 more.',
    );
  });
});
