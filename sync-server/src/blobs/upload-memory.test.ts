import { describe, expect, it } from 'vitest';
import { UploadMemory } from './upload-memory.ts';

const MiB = 1024 * 1024;

describe('UploadMemory', () => {
  it('grants what fits at once and makes later requests wait, first come first served', async () => {
    const memory = new UploadMemory(32 * MiB);
    await memory.take(16 * MiB);
    await memory.take(16 * MiB);
    const granted: string[] = [];
    const a = memory.take(16 * MiB).then(() => granted.push('a'));
    const b = memory.take(16 * MiB).then(() => granted.push('b'));
    await Promise.resolve();
    expect(granted).toEqual([]);
    expect(memory.usedBytes).toBe(32 * MiB);
    memory.give(16 * MiB);
    await a;
    expect(granted).toEqual(['a']);
    memory.give(16 * MiB);
    await b;
    expect(granted).toEqual(['a', 'b']);
    expect(memory.usedBytes).toBe(32 * MiB);
  });

  it('tryTake never waits and refuses while someone waits, so extra buffers cannot starve a first one', async () => {
    const memory = new UploadMemory(48 * MiB);
    expect(memory.tryTake(16 * MiB)).toBe(true);
    expect(memory.tryTake(16 * MiB)).toBe(true);
    expect(memory.tryTake(32 * MiB)).toBe(false);
    await memory.take(16 * MiB);
    const waiting = memory.take(16 * MiB);
    memory.give(16 * MiB); // room for the waiter, which gets it
    await waiting;
    expect(memory.tryTake(16 * MiB)).toBe(false);
    expect(memory.usedBytes).toBe(48 * MiB);
  });

  it('a request larger than the whole budget is granted once nothing else is held', async () => {
    const memory = new UploadMemory(16 * MiB);
    await memory.take(8 * MiB);
    let done = false;
    const big = memory.take(64 * MiB).then(() => {
      done = true;
    });
    await Promise.resolve();
    expect(done).toBe(false);
    memory.give(8 * MiB);
    await big;
    expect(memory.usedBytes).toBe(64 * MiB);
  });

  it('a wait given up leaves the line and takes nothing; the one behind it is served', async () => {
    const memory = new UploadMemory(32 * MiB);
    await memory.take(32 * MiB);
    const stop = new AbortController();
    const big = memory.take(32 * MiB, stop.signal);
    const small = memory.take(16 * MiB);
    stop.abort(new Error('waited too long'));
    await expect(big).rejects.toThrow('waited too long');
    memory.give(16 * MiB);
    await small;
    expect(memory.usedBytes).toBe(32 * MiB);
    await expect(memory.take(MiB, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('refuses a budget that is not positive', () => {
    expect(() => new UploadMemory(0)).toThrow(RangeError);
  });
});
