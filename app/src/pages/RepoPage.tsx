import { A, useLocation, useNavigate, useParams } from '@solidjs/router';
import { createEffect, createResource, createSignal, on, type ParentProps, Show } from 'solid-js';
import { CopyMenu } from '../connect/CopyMenu.tsx';
import { RemotePanel } from '../connect/RemotePanel.tsx';
import { ServerLossBanner } from '../repos/ServerLossBanner.tsx';
import { fetchServerRepo } from '../repos/server-repo.ts';

/**
 * A repository's frame: its name and the tabs of its views; the view of the current URL
 * (files, history, experiments, pipeline) renders below.
 */
export default function RepoPage(props: ParentProps) {
  const params = useParams<{ owner: string; repo: string }>();
  const location = useLocation();
  const base = () => `/${params.owner}/${params.repo}`;
  // History opens on the default branch by name (as GitHub does), not on `HEAD`.
  const [branch] = createResource(
    () => [params.owner, params.repo] as const,
    async ([owner, repo]) => {
      const [{ openRepoSession }, { defaultBranch }] = await Promise.all([
        import('../files/repo-session.ts'),
        import('../git/read-refs.ts'),
      ]);
      return openRepoSession(owner, repo)
        .then((s) => defaultBranch(s.ctx))
        .catch(() => 'HEAD'); // not on this device (yet): the history page says why
    },
  );
  // A page of a renamed repository's old name moves to the same page under its new name.
  // These two lookups are effects, not resources read by the page: a resource read here would
  // hold the router's navigation into the repository until the server answered.
  const navigate = useNavigate();
  createEffect(
    on(
      () => [params.owner, params.repo] as const,
      ([owner, repo]) => {
        void (async () => {
          const [{ openRepo }, renamed] = await Promise.all([
            import('../storage/repo-handle.ts'),
            import('../repo-settings/renamed-repo.ts'),
          ]);
          if (await openRepo(owner, repo)) return;
          const moved = renamed.movedTo(owner, repo, await renamed.currentName(owner, repo));
          if (moved && params.owner === owner && params.repo === repo) {
            navigate(`${renamed.pathUnder(location.pathname, moved)}${location.search}`, { replace: true });
          }
        })();
      },
    ),
  );
  // Settings change the server's copy: only its admins see the tab (as on GitHub).
  const [serverInfo, setServerInfo] = createSignal<Awaited<ReturnType<typeof fetchServerRepo>>>(null);
  createEffect(
    on(
      () => [params.owner, params.repo] as const,
      ([owner, repo]) => {
        setServerInfo(null);
        void fetchServerRepo(owner, repo)
          .then((info) => {
            if (params.owner === owner && params.repo === repo) setServerInfo(info);
          })
          .catch(() => {});
      },
    ),
  );
  const section = () => {
    const rest = location.pathname.slice(base().length).split('/')[1] ?? '';
    return rest === 'commits' || rest === 'commit'
      ? 'history'
      : rest === '' || rest === 'tree' || rest === 'blob'
        ? 'files'
        : rest;
  };
  return (
    <section class="page">
      <div class="repo-head">
        <h1 data-testid="repo-title">
          <A href={base()} class="repo-owner">
            {params.owner}
          </A>
          /<A href={base()}>{params.repo}</A>
        </h1>
        <CopyMenu owner={params.owner} repo={params.repo} />
        <RemotePanel owner={params.owner} repo={params.repo} />
      </div>
      <ServerLossBanner owner={params.owner} repo={params.repo} />
      <nav class="tabs">
        <A href={base()} classList={{ active: section() === 'files' }} activeClass="" inactiveClass="">
          Files
        </A>
        <A
          href={`${base()}/commits/${encodeURIComponent(branch.state === 'ready' ? branch() : 'HEAD')}`}
          classList={{ active: section() === 'history' }}
          activeClass=""
          inactiveClass=""
        >
          History
        </A>
        <A href={`${base()}/experiments`}>Experiments</A>
        <A href={`${base()}/pipeline`}>Pipeline</A>
        <A href={`${base()}/data`}>Data</A>
        <A href={`${base()}/models`}>Models</A>
        <A href={`${base()}/notebooks`}>Notebooks</A>
        <A href={`${base()}/notes`}>Notes</A>
        <Show when={serverInfo()?.permission === 'admin'}>
          <A href={`${base()}/settings`} data-testid="settings-tab">
            Settings
          </A>
        </Show>
      </nav>
      {props.children}
    </section>
  );
}
