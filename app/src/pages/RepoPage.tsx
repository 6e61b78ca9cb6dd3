import { A, useParams } from '@solidjs/router';

/** A repository's frame: its name and the tabs of its views. */
export default function RepoPage() {
  const params = useParams<{ owner: string; repo: string }>();
  const base = () => `/${params.owner}/${params.repo}`;
  return (
    <section class="page">
      <h1 data-testid="repo-title">
        {params.owner}/{params.repo}
      </h1>
      <nav class="tabs">
        <A href={base()} end>
          Files
        </A>
        <A href={`${base()}/commits/HEAD`}>History</A>
        <A href={`${base()}/experiments`}>Experiments</A>
        <A href={`${base()}/pipeline`}>Pipeline</A>
      </nav>
    </section>
  );
}
