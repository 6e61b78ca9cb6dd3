/**
 * A clone in progress holds a Web Lock named after its repository. Locks are released when their
 * tab goes away, so another tab — or this one after a reload — can tell a clone still running
 * (wait for it) from one whose tab was closed or navigated away mid-clone (its half-made copy is
 * removed and the repository cloned again). Without Web Locks (Node tests) the work just runs.
 */
const lockName = (id: string) => `cairn-clone:${id}`;

function lockManager(): LockManager | undefined {
  return globalThis.navigator?.locks;
}

/** Runs `work` (the whole clone of `id`) while holding its clone lock. */
export function holdingCloneLock<T>(id: string, work: () => Promise<T>): Promise<T> {
  const locks = lockManager();
  return locks ? (locks.request(lockName(id), work) as Promise<T>) : work();
}

/**
 * Whether a clone of `id` is running in some tab; if so, resolves only once it has ended (done
 * or failed). False when nobody holds the lock: a row still marked `cloning` was left behind.
 */
export async function waitForRunningClone(id: string): Promise<boolean> {
  const locks = lockManager();
  if (!locks) return false;
  const free = await locks.request(lockName(id), { ifAvailable: true }, async (lock) => lock !== null);
  if (free) return false;
  await locks.request(lockName(id), async () => {});
  return true;
}
