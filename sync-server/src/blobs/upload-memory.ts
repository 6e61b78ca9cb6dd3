/**
 * The bytes of part buffers that one process's S3 uploads may hold at once (streamUpload's
 * `memory`). Without it each upload held up to (partConcurrency + 1) × partSize — 64 MiB at the
 * defaults — so CAIRN_MAX_UPLOADS (64) big uploads at once could take 4 GiB per process.
 *
 * An upload asks for its first buffer with `take` and waits its turn (first come, first served)
 * while the budget is spent: its request body is not read meanwhile, so TCP holds the client back.
 * Further buffers, which only let it send parts in parallel, come from `tryTake`, which never
 * waits: an upload that holds one buffer always progresses by reusing it, so uploads cannot wait
 * on each other in a circle, and one upload alone still sends at full speed while the budget
 * allows. `tryTake` refuses while anyone waits, so parallelism never starves a first buffer.
 * A wait has a limit (streamUpload's): the server's idle timeout would otherwise cut off a
 * connection whose body is not read, so a process busy that long answers 503 + Retry-After.
 */
export class UploadMemory {
  private used = 0;
  private readonly waiting: Array<{ bytes: number; grant: () => void }> = [];

  constructor(readonly limitBytes: number) {
    if (!(limitBytes > 0)) throw new RangeError('the upload memory limit must be positive');
  }

  /** Bytes held now. */
  get usedBytes(): number {
    return this.used;
  }

  /** Takes `bytes` when they fit now and nobody waits; false otherwise. */
  tryTake(bytes: number): boolean {
    if (this.waiting.length > 0 || this.used + bytes > this.limitBytes) return false;
    this.used += bytes;
    return true;
  }

  /**
   * Takes `bytes`, waiting until they fit after everyone who asked before; rejects with `signal`'s
   * reason if it aborts first. A request larger than the whole limit is granted once nothing else
   * is held, so it waits, never forever.
   */
  take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.waiting.length === 0 && this.fits(bytes)) {
      this.used += bytes;
      return Promise.resolve();
    }
    return new Promise((grant, refuse) => {
      const waiter = {
        bytes,
        grant: () => {
          signal?.removeEventListener('abort', giveUp);
          grant();
        },
      };
      // Given up (`signal` aborted): out of the line, nothing taken.
      const giveUp = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        refuse(signal?.reason);
        this.grantWaiting(); // the next in line may fit now
      };
      if (signal?.aborted) return giveUp();
      signal?.addEventListener('abort', giveUp, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Gives back `bytes` taken before, and grants the waiting requests that now fit, in order. */
  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
    this.grantWaiting();
  }

  /** Grants the waiting requests that fit now, in order, stopping at the first that does not. */
  private grantWaiting(): void {
    for (let next = this.waiting[0]; next && this.fits(next.bytes); next = this.waiting[0]) {
      this.waiting.shift();
      this.used += next.bytes;
      next.grant();
    }
  }

  /** Within the limit, or the only holder (a request above the limit alone). */
  private fits(bytes: number): boolean {
    return this.used + bytes <= this.limitBytes || this.used === 0;
  }
}
