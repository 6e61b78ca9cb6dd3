/**
 * Reading a resource without the layout's blank "Loading…": views that show their own progress
 * (clone, data fetch, "Computing the diff…") read through these instead of calling the resource.
 */
import { type Resource, startTransition } from 'solid-js';

/**
 * A resource's value once it has one. Not read while it first loads, so that never suspends (the
 * view shows its own progress); while it loads again it is read, so a navigation that changes what
 * it reads waits for it and keeps the page before meanwhile. A re-read that is not a navigation
 * must run in a transition (`rereadInTransition`), or this read suspends the Layout's boundary and
 * the whole page blanks.
 */
export function ready<T>(resource: Resource<T>): T | undefined {
  return resource.state === 'ready' || resource.state === 'refreshing' ? resource() : undefined;
}

/**
 * A resource's value when it has settled, never suspending: nothing while it loads, loads again
 * (a component kept from one file or commit to the next must not show the previous one's) or
 * failed — check `.error` to say so. For parts that load after their page is shown — opened by a
 * click (a file's diff, fetched data), or drawn once the route's data is there (a file's viewer
 * and its rendering, a run's artifacts) — and say "Loading…" themselves: suspending there would
 * blank the whole page. Not for what a navigation should wait for (see `ready`).
 */
export function valueNow<T>(resource: Resource<T>): T | undefined {
  // `.latest` of a settled resource is its value, read without the suspense tracking `resource()` sets up.
  return resource.state === 'ready' ? resource.latest : undefined;
}

/**
 * Reads a resource again in a transition, as a navigation does: the page keeps what it shows until
 * the new read is there. Outside one, a view reading it while it loads again would suspend the
 * Layout's boundary and take the whole page away. Resolves once the transition ends.
 */
export function rereadInTransition(refetch: () => unknown): Promise<void> {
  return startTransition(() => void refetch());
}
