/**
 * A resource's value once it has one, without suspending: views show their own progress
 * (clone, data fetch) instead of the layout's blank "Loading…" fallback.
 */
import type { Resource } from 'solid-js';

export function ready<T>(resource: Resource<T>): T | undefined {
  return resource.state === 'ready' || resource.state === 'refreshing' ? resource() : undefined;
}
