/** The open repository of the current route, as a Solid resource, with clone progress on a first visit. */
import { useParams } from '@solidjs/router';
import { createResource, createSignal, onCleanup } from 'solid-js';
import { REPO_CONTENT_CHANGED } from '../sync/content-changed.ts';
import { rereadInTransition } from './ready.ts';
import { openRepoSession } from './repo-session.ts';

export interface CloneProgress {
  phase: string;
  loaded: number;
  total?: number;
}

export function createRepoSession() {
  const params = useParams<{ owner: string; repo: string }>();
  const [clone, setClone] = createSignal<CloneProgress | null>(null);
  const [session, { refetch }] = createResource(
    () => [params.owner, params.repo] as const,
    ([owner, repo]) => openRepoSession(owner, repo, setClone),
  );
  // A sync that moved the branch here (a pull, a merge before a push): the views read again. The
  // old session stays shown while the new one opens (a refresh, not "Opening…"), and the views
  // stay until what they read again is there: a transition, as a navigation is (outside one, a
  // view reading a resource that loads again suspends the Layout's boundary, which took the whole
  // page away for a moment).
  const moved = (event: Event) => {
    if ((event as CustomEvent<string>).detail === `${params.owner}/${params.repo}`) {
      void rereadInTransition(refetch);
    }
  };
  globalThis.addEventListener?.(REPO_CONTENT_CHANGED, moved);
  onCleanup(() => globalThis.removeEventListener?.(REPO_CONTENT_CHANGED, moved));
  /** True only while the repository first opens (or clones), not while it is read again after a sync. */
  const opening = () => session.state === 'pending';
  return { params, session, clone, retry: refetch, opening };
}
