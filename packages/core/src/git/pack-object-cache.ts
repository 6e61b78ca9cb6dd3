/**
 * The objects a pack reader has inflated, by pack offset, bounded by their bytes: delta chains
 * share bases, and the same base is read again soon. Past the bound, the oldest go first until
 * half is left (delta chains read again soon sit near the end). Both pack readers (a whole pack
 * in memory, git-objects.ts, and one read by range, ranged-pack.ts) keep one.
 */
import type { GitObject } from './git-objects.ts';

export class PackObjectCache {
  private readonly objects = new Map<number, GitObject>();
  private bytes = 0;

  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  get(offset: number): GitObject | undefined {
    return this.objects.get(offset);
  }

  set(offset: number, obj: GitObject): void {
    this.objects.set(offset, obj);
    this.bytes += obj.content.length;
    if (this.bytes <= this.maxBytes) return;
    for (const [k, v] of this.objects) {
      if (this.bytes <= this.maxBytes / 2) break;
      this.objects.delete(k);
      this.bytes -= v.content.length;
    }
  }
}
