/** The open repository of the current route, as a Solid resource, with clone progress on a first visit. */
import { useParams } from '@solidjs/router';
import { createResource, createSignal } from 'solid-js';
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
  return { params, session, clone, retry: refetch };
}
