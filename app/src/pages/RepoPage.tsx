import { A, useLocation, useParams } from '@solidjs/router';
import type { ParentProps } from 'solid-js';

/**
 * A repository's frame: its name and the tabs of its views; the view of the current URL
 * (files, history, experiments, pipeline) renders below.
 */
export default function RepoPage(props: ParentProps) {
  const params = useParams<{ owner: string; repo: string }>();
  const location = useLocation();
  const base = () => `/${params.owner}/${params.repo}`;
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
      <h1 data-testid="repo-title">
        <A href={base()} class="repo-owner">
          {params.owner}
        </A>
        /<A href={base()}>{params.repo}</A>
      </h1>
      <nav class="tabs">
        <A href={base()} classList={{ active: section() === 'files' }} activeClass="" inactiveClass="">
          Files
        </A>
        <A
          href={`${base()}/commits/HEAD`}
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
      </nav>
      {props.children}
    </section>
  );
}
