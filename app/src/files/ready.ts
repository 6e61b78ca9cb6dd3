/**
 * Reading a resource without the layout's blank "Loading…": views that show their own progress
 * (clone, data fetch, "Computing the diff…") read through these instead of calling the resource.
 */
import type { Resource } from 'solid-js';

/**
 * A resource's value once it has one. Not read while it first loads, so that never suspends; while
 * it loads again it is read, so a navigation's transition still waits for it (and the view keeps
 * showing the old page meanwhile). A re-read that is not a navigation must run in
 * `startTransition`, or this read suspends the Layout's boundary and the whole page blanks.
 */
export function ready<T>(resource: Resource<T>): T | undefined {
  return resource.state === 'ready' || resource.state === 'refreshing' ? resource() : undefined;
}

/**
 * A resource's value once it has one, never suspending: the previous value while it loads again.
 * For parts that load after their page is shown — opened by a click (a file's diff, fetched
 * data), or drawn once the route's data is there (a file's viewer and its rendering, a run's
 * artifacts) — and say "Loading…" themselves: suspending there would blank the whole page. Not for
 * a route's own data: a navigation must wait for that (see `ready`).
 */
export function valueNow<T>(resource: Resource<T>): T | undefined {
  return resource.state === 'ready' || resource.state === 'refreshing' ? resource.latest : undefined;
}
