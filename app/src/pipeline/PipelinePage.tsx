/**
 * `/owner/repo/pipeline[/REF]`: the DVC pipeline of every dvc.yaml and `.dvc` file at a ref,
 * drawn as a graph, with stale stages found in the browser (the worker runs core's status over
 * the commit's blobs). URL state: `?view=stages|outs|both`, `?node=ID` (details panel), `?q=`
 * (search), `?compare=REF` (pipeline diff against that ref), `?expand=GROUP` (a matrix group
 * drawn stage by stage). Reads only the device's copy: works offline.
 */
import {
  largeGroups,
  type PipelineView,
  type PipelineViewMode,
  pipelineView,
  type RepoPipeline,
  type StageDiff,
  type StageStatus,
} from '@cairn/core';
import { useParams, useSearchParams } from '@solidjs/router';
import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import { createRepoSession } from '../files/create-repo-session.ts';
import { RepoStatus } from '../files/RepoStatus.tsx';
import { ready } from '../files/ready.ts';
import { describeReadError, type RepoSession } from '../files/repo-session.ts';
import { decodeSegments } from '../files/urls.ts';
import { NodePanel } from './NodePanel.tsx';
import { type GraphApi, type GraphMarks, PipelineGraph } from './PipelineGraph.tsx';
import { ProblemList, StaleBanner } from './PipelineNotices.tsx';
import { loadPipelineSnapshot, loadStageLastChange } from './pipeline-client.ts';
import { cachedOutputIds, remotePresence } from './remote-presence.ts';

/** A view that may hold what a diff's base had and the head lost. */
type DiffView = {
  nodes: (PipelineView['nodes'][number] & { removed?: boolean })[];
  edges: (PipelineView['edges'][number] & { removed?: boolean })[];
};

import './pipeline.css';

async function loadAt(session: RepoSession, rev: string, compare: string | undefined) {
  const { resolveRevision, defaultBranch } = await import('../git/read-refs.ts');
  const name = rev || (await defaultBranch(session.ctx));
  const head = await resolveRevision(session.ctx, name);
  const base = compare ? await resolveRevision(session.ctx, compare) : undefined;
  const reply = await loadPipelineSnapshot(session.handle.row.fsName, session.handle.dir, head.oid, base?.oid);
  return { rev: name, ...reply };
}

function asPipeline(p: Omit<RepoPipeline, 'errors'>): RepoPipeline {
  return { ...p, errors: [] };
}

const MODES: { mode: PipelineViewMode; label: string }[] = [
  { mode: 'stages', label: 'Stages' },
  { mode: 'outs', label: 'Files' },
  { mode: 'both', label: 'Both' },
];

export default function PipelinePage() {
  const params = useParams<{ owner: string; repo: string; rest?: string }>();
  const [search, setSearch] = useSearchParams<{
    view?: string;
    node?: string;
    q?: string;
    compare?: string;
    expand?: string;
  }>();
  const { session, clone, retry, opening } = createRepoSession();
  const rev = () => decodeSegments(params.rest).join('/');
  const [data] = createResource(
    () => {
      const s = ready(session);
      return s ? ([s, rev(), search.compare] as const) : undefined;
    },
    ([s, r, c]) => loadAt(s, r, c || undefined),
  );
  // "not pushed" marks: one batch call per drawn commit, online only (remote-presence.ts).
  const [remoteInfo] = createResource(
    () => {
      const s = ready(session);
      const d = ready(data);
      return s && d ? ([s, d] as const) : undefined;
    },
    ([s, d]) => remotePresence(s.handle, cachedOutputIds(d.snapshot)),
  );
  const remote = () => (remoteInfo.loading ? undefined : ready(remoteInfo));
  const mode = (): PipelineViewMode => (search.view === 'outs' || search.view === 'both' ? search.view : 'stages');
  const [api, setApi] = createSignal<GraphApi | null>(null);
  const [copied, setCopied] = createSignal('');

  const expanded = () => new Set((search.expand ?? '').split(',').filter(Boolean));
  const collapsed = createMemo(() => {
    const d = ready(data);
    if (!d) return new Set<string>();
    const big = largeGroups(asPipeline(d.snapshot.pipeline));
    for (const g of expanded()) big.delete(g);
    return big;
  });
  const view = createMemo((): DiffView | null => {
    const d = ready(data);
    if (!d) return null;
    const head = pipelineView(asPipeline(d.snapshot.pipeline), mode(), {
      gitPaths: new Set(d.snapshot.gitPaths),
      collapsed: collapsed(),
    });
    if (!d.base) return head;
    // A diff draws what the base had and the head lost too, marked removed.
    const base = pipelineView(asPipeline(d.base.pipeline), mode(), {
      gitPaths: new Set(d.base.gitPaths),
      collapsed: collapsed(),
    });
    return withRemoved(head, base);
  });
  const statusByStage = createMemo(() => new Map((ready(data)?.snapshot.status ?? []).map((s) => [s.stage, s])));
  const diffByStage = createMemo(() => new Map((ready(data)?.diff?.stages ?? []).map((s) => [s.stage, s])));
  const stale = createMemo(() => (ready(data)?.snapshot.status ?? []).filter((s) => s.state === 'changed'));

  const marks = createMemo((): GraphMarks => {
    const d = ready(data);
    const state = new Map<string, 'stale' | 'added' | 'changed' | 'removed'>();
    const groupOf = new Map<string, string>();
    for (const n of view()?.nodes ?? []) if (n.group) groupOf.set(n.id, n.group);
    const mark = (id: string, s: 'stale' | 'added' | 'changed' | 'removed') => {
      state.set(id, s);
      const stage = d?.snapshot.pipeline.stages.find((x) => x.name === id);
      if (stage?.group) for (const g of collapsed()) if (g.endsWith(`:${stage.group}`)) state.set(g, s);
    };
    if (d?.diff) {
      for (const s of d.diff.stages)
        if (s.change !== 'removed') mark(s.stage, s.change === 'added' ? 'added' : 'changed');
      for (const n of view()?.nodes ?? []) if (n.removed) state.set(n.id, 'removed');
    } else {
      for (const s of stale()) mark(s.stage, 'stale');
    }
    const edges = new Map<string, 'added' | 'removed'>();
    for (const e of d?.diff?.edges ?? []) if (e.change === 'added') edges.set(`${e.from}\u0000${e.to}`, 'added');
    for (const e of view()?.edges ?? []) if (e.removed) edges.set(`${e.from}\u0000${e.to}`, 'removed');
    return { state, edges, search: search.q ?? '', selected: search.node ?? null };
  });

  const layoutKey = () => {
    const d = ready(data);
    const theme = document.documentElement.dataset.theme ?? 'light';
    return `${d?.snapshot.commit}:${mode()}:${[...collapsed()].join(',')}:${theme}:${d?.base?.commit ?? ''}`;
  };

  const copy = async (text: string, what: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(what);
    } catch {
      setCopied('');
    }
  };
  const mermaid = () => {
    const v = view();
    if (!v) return '';
    const num = new Map(v.nodes.map((n, i) => [n.id, `node${i + 1}`]));
    return [
      'flowchart TD',
      ...v.nodes.map((n) => `\t${num.get(n.id)}["${n.label.replace(/"/g, '#quot;')}"]`),
      ...v.edges.map((e) => `\t${num.get(e.from)}-->${num.get(e.to)}`),
    ].join('\n');
  };
  const download = (url: string, ext: string) => {
    const a = document.createElement('a');
    a.href = url;
    a.download = `${params.repo}-pipeline.${ext}`;
    a.click();
  };
  const downloadPng = () => {
    const url = api()?.png();
    if (url) download(url, 'png');
  };
  const downloadSvg = () => {
    const svg = api()?.svg();
    if (!svg) return;
    const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    download(url, 'svg');
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  /** A full commit id typed in "compare with…" shown as git shortens it (the line fits a phone). */
  const shortRef = (ref: string) => (/^[0-9a-f]{12,40}$/i.test(ref) ? ref.slice(0, 7) : ref);

  const groupOfSelected = () => {
    const id = search.node;
    if (!id) return null;
    if (id.startsWith('group:')) return { id, expanded: false };
    const n = view()?.nodes.find((x) => x.id === id);
    return n?.group ? { id: n.group, expanded: true } : null;
  };
  const toggleGroup = (group: string, expand: boolean) => {
    const next = new Set(expanded());
    if (expand) next.add(group);
    else next.delete(group);
    setSearch({ expand: [...next].join(',') || undefined, node: undefined });
  };

  return (
    <div class="pipeline-page" data-testid="pipeline-page">
      <RepoStatus loading={opening()} error={session.error} clone={clone()} onRetry={retry} />
      <Show when={data.error}>
        <div class="notice error" role="alert" data-testid="pipeline-load-error">
          {describeReadError(data.error)}
        </div>
      </Show>
      <Show when={data.loading && !ready(data)}>
        <p class="muted" data-testid="pipeline-loading">
          Reading the pipeline…
        </p>
      </Show>
      <Show when={ready(data)}>
        {(d) => (
          <>
            <div class="pipeline-toolbar">
              <span class="muted">
                <span title={d().rev}>{shortRef(d().rev)}</span> · <code>{d().snapshot.commit.slice(0, 7)}</code>
                <Show when={d().base}>
                  {(b) => (
                    <>
                      {' '}
                      compared with <span title={search.compare}>{shortRef(search.compare ?? '')}</span> ·{' '}
                      <code>{b().commit.slice(0, 7)}</code>
                    </>
                  )}
                </Show>
              </span>
              <fieldset class="segmented" aria-label="View">
                <For each={MODES}>
                  {(m) => (
                    <button
                      type="button"
                      aria-pressed={mode() === m.mode}
                      onClick={() => setSearch({ view: m.mode === 'stages' ? undefined : m.mode })}
                    >
                      {m.label}
                    </button>
                  )}
                </For>
              </fieldset>
              <input
                type="search"
                class="pipeline-search"
                placeholder="Find a stage or file"
                aria-label="Find a stage or file"
                value={search.q ?? ''}
                onInput={(e) => setSearch({ q: e.currentTarget.value || undefined }, { replace: true })}
              />
              <form
                class="compare-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  const v = new FormData(e.currentTarget).get('compare');
                  setSearch({ compare: typeof v === 'string' && v ? v : undefined, node: undefined });
                }}
              >
                <input
                  name="compare"
                  placeholder="compare with… (ref)"
                  aria-label="Compare with ref"
                  value={search.compare ?? ''}
                />
              </form>
              <div class="graph-buttons">
                <button type="button" onClick={() => api()?.zoom(1.25)} aria-label="Zoom in">
                  +
                </button>
                <button type="button" onClick={() => api()?.zoom(0.8)} aria-label="Zoom out">
                  −
                </button>
                <button type="button" onClick={() => api()?.fit()}>
                  Fit
                </button>
                <button type="button" onClick={downloadPng}>
                  PNG
                </button>
                <button type="button" onClick={downloadSvg} data-testid="export-svg">
                  SVG
                </button>
                <button type="button" onClick={() => copy(mermaid(), 'mermaid')}>
                  {copied() === 'mermaid' ? 'Copied' : 'Mermaid'}
                </button>
              </div>
            </div>
            <ProblemList problems={d().snapshot.problems} />
            <Show when={!d().diff}>
              <StaleBanner
                stale={stale().length}
                total={d().snapshot.status?.length ?? 0}
                copied={copied() === 'repro'}
                onCopy={() => copy('cairn repro', 'repro')}
              />
            </Show>
            <Show when={d().diff}>
              {(diff) => <DiffSummary stages={diff().stages} onPick={(id) => setSearch({ node: id })} />}
            </Show>
            <Show
              when={(view()?.nodes.length ?? 0) > 0}
              fallback={
                <p class="notice" data-testid="pipeline-empty">
                  No pipeline at this ref: no <code>dvc.yaml</code> and no <code>.dvc</code> files.
                </p>
              }
            >
              <div class="pipeline-body" classList={{ 'with-panel': !!search.node }}>
                <PipelineGraph
                  view={view()!}
                  layoutKey={layoutKey()}
                  marks={marks()}
                  onSelect={(id) => setSearch({ node: id ?? undefined })}
                  onReady={setApi}
                />
                <Show when={search.node}>
                  {(id) => (
                    <div class="panel-wrap">
                      <Show when={groupOfSelected()}>
                        {(g) => (
                          <button type="button" class="group-toggle" onClick={() => toggleGroup(g().id, !g().expanded)}>
                            {g().expanded ? 'Collapse the group' : 'Expand the group'}
                          </button>
                        )}
                      </Show>
                      <NodePanel
                        ctx={{
                          owner: params.owner,
                          repo: params.repo,
                          rev: d().rev,
                          snapshot: d().snapshot,
                          status: statusByStage(),
                          diff: diffByStage(),
                          remote: remote(),
                          lastChange: (stage) => {
                            const s = ready(session);
                            const source = d().snapshot.pipeline.sources[stage];
                            if (!s || !source) return Promise.reject(new Error('the stage is not at this ref'));
                            const { fsName } = s.handle.row;
                            return loadStageLastChange(
                              fsName,
                              s.handle.dir,
                              d().snapshot.commit,
                              source.file,
                              source.local,
                            );
                          },
                        }}
                        id={id()}
                        onClose={() => setSearch({ node: undefined })}
                      />
                    </div>
                  )}
                </Show>
              </div>
              <GraphAsText view={view()!} status={statusByStage()} onPick={(id) => setSearch({ node: id })} />
            </Show>
          </>
        )}
      </Show>
    </div>
  );
}

/** The stages and edges as a list: for screen readers, narrow screens and find-in-page. */
/** The head's view plus the nodes and edges only the base has, flagged `removed`. */
function withRemoved(head: PipelineView, base: PipelineView): DiffView {
  const ids = new Set(head.nodes.map((n) => n.id));
  const keys = new Set(head.edges.map((e) => `${e.from}\u0000${e.to}`));
  return {
    nodes: [...head.nodes, ...base.nodes.filter((n) => !ids.has(n.id)).map((n) => ({ ...n, removed: true }))],
    edges: [
      ...head.edges,
      ...base.edges.filter((e) => !keys.has(`${e.from}\u0000${e.to}`)).map((e) => ({ ...e, removed: true })),
    ],
  };
}

function GraphAsText(props: { view: PipelineView; status: Map<string, StageStatus>; onPick: (id: string) => void }) {
  const label = (id: string) => props.view.nodes.find((n) => n.id === id)?.label ?? id;
  return (
    <details class="graph-text" data-testid="graph-text">
      <summary>
        {props.view.nodes.length} nodes, {props.view.edges.length} edges as a list
      </summary>
      <ul>
        <For each={props.view.nodes}>
          {(n) => (
            <li
              data-testid="graph-node"
              data-label={n.label}
              data-kind={n.kind}
              data-state={props.status.get(n.id)?.state ?? ''}
            >
              <button type="button" class="link-button" onClick={() => props.onPick(n.id)}>
                {n.label}
              </button>{' '}
              <span class="muted">{n.kind}</span>
            </li>
          )}
        </For>
      </ul>
      <ul>
        <For each={props.view.edges}>
          {(e) => (
            <li data-testid="graph-edge">
              {label(e.from)} → {label(e.to)}
            </li>
          )}
        </For>
      </ul>
    </details>
  );
}

function DiffSummary(props: { stages: StageDiff[]; onPick: (id: string) => void }) {
  return (
    <div class="notice diff-summary" data-testid="pipeline-diff">
      <Show when={props.stages.length > 0} fallback={<span>The pipelines at the two refs are the same.</span>}>
        <strong>
          {props.stages.length} {props.stages.length === 1 ? 'stage differs' : 'stages differ'}
        </strong>
        <ul>
          <For each={props.stages}>
            {(s) => (
              <li data-testid="diff-stage" data-change={s.change}>
                <button type="button" class="link-button" onClick={() => props.onPick(s.stage)}>
                  {s.stage}
                </button>{' '}
                <span class={`diff-tag ${s.change}`}>{s.change}</span>
                <Show when={s.changes.length > 0}>
                  {' '}
                  <span class="muted">
                    {s.changes
                      .map((c) => c.field.replace('_', ' '))
                      .filter((v, i, a) => a.indexOf(v) === i)
                      .join(', ')}
                  </span>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}
