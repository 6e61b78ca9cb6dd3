import v8 from 'node:v8';

/**
 * How far V8 lets the heap grow past what survived the last full GC before it marks again, in
 * percent: 300 = the next full GC once external + old-space bytes reach 4× the live heap (V8
 * picks about 2× for a server's small heap).
 *
 * Why: every 64 KiB a socket reads is a new ArrayBuffer, and V8 counts those external bytes
 * against the old-space limit until a full GC. Streaming an S3 object through the server (a DVC
 * GET or PUT) allocates them at hundreds of MB/s, so with ~23 MB live and V8's own ~2× the
 * process ran a mark-compact every ~20 MB moved: 71–73 full GCs for one 256 MiB upload and three
 * downloads, about half the server's CPU. At 4×: 8–10, and the server's CPU per 256 MiB download
 * from radosgw went from 630–690 ms to 280 ms (per upload ~1,250 → ~890 ms). The cost is a heap
 * allowed to reach 4× its live size between full GCs; V8's memory reducer still shrinks it idle.
 */
export const HEAP_GROWING_PERCENT = 300;

/** For the server process's entry point only: V8 flags are process-wide. */
export function tuneHeapGrowth(): void {
  // Read by V8 each time it sets the next limit, so setting it at start-up takes effect.
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
