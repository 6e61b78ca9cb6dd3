/**
 * The side panel of the selected node (its id is in the URL, `?node=`): for a stage its command,
 * wdir, flags, deps and outs with the hashes, sizes and file counts dvc.lock recorded, the params
 * it reads with their values at this ref, why it is out of date and the commit that last changed
 * it (LastChange.tsx); for a file or data node, the
 * stage that makes it and the stages that use it. Paths link to the file view at the same ref.
 */
import { getParam, type HashedEntry, joinPath, type StageDiff, type StageStatus } from '@cairn/core';
import type { StageLastChange } from '@cairn/core/pipeline';
import { A } from '@solidjs/router';
import { For, type JSX, Show } from 'solid-js';
import { blobUrl, treeUrl } from '../files/urls.ts';
import { LastChange } from './LastChange.tsx';
import type { PipelineSnapshot } from './pipeline-protocol.ts';
import type { RemotePresence } from './remote-presence.ts';
import { changeText, reasonText } from './status-words.ts';

export interface PanelContext {
  owner: string;
  repo: string;
  rev: string;
  snapshot: PipelineSnapshot;
  status: Map<string, StageStatus>;
  diff: Map<string, StageDiff>;
  /** Whether cached outputs' objects are on the server (undefined while asking). */
  remote: RemotePresence | undefined;
  /** The newest commit from this ref back that changed the stage (asked of the worker). */
  lastChange: (stage: string) => Promise<StageLastChange>;
}

/** "on the remote" / "not pushed" / why it is not known, for a cached output's object. */
function RemoteMark(props: { ctx: PanelContext; oid: string | undefined }) {
  const r = () => props.ctx.remote;
  const text = () => {
    const p = r();
    if (!props.oid) return null;
    if (!p) return 'checking the remote…';
    if (p.state === 'unknown') return `remote: unknown (${p.why})`;
    if (!p.asked.has(props.oid)) return 'remote: unknown (DVC 2 hash)';
    return p.missing.has(props.oid) ? 'not pushed' : 'on the remote';
  };
  return (
    <Show when={text()}>
      {(t) => (
        <span class={`remote-mark ${t() === 'not pushed' ? 'not-pushed' : ''}`} data-testid="remote-mark">
          {' '}
          · {t()}
        </span>
      )}
    </Show>
  );
}

function formatBytes(n: number | undefined): string {
  if (n === undefined) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

function PathLink(props: { ctx: PanelContext; path: string; dir?: boolean }): JSX.Element {
  const c = props.ctx;
  const isDir = () => props.dir ?? !c.snapshot.gitPaths.includes(props.path);
  return (
    <A href={isDir() ? treeUrl(c.owner, c.repo, c.rev, props.path) : blobUrl(c.owner, c.repo, c.rev, props.path)}>
      {props.path}
    </A>
  );
}

/** A metrics file's values at this ref (or why they could not be read). */
function MetricValues(props: { values: Record<string, unknown> | string }) {
  return (
    <Show
      when={typeof props.values !== 'string' ? props.values : undefined}
      fallback={<p class="muted">{props.values as string}</p>}
    >
      {(values) => (
        <table class="metric-values" data-testid="metric-values">
          <tbody>
            <For each={Object.entries(values())}>
              {([k, v]) => (
                <tr>
                  <td>{k}</td>
                  <td>
                    <code>{String(v)}</code>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      )}
    </Show>
  );
}

function EntryRow(props: {
  ctx: PanelContext;
  path: string;
  entry: HashedEntry | undefined;
  flags?: string;
  /** A cached output: say whether its object is on the remote. */
  cached?: boolean;
}) {
  const e = () => props.entry;
  return (
    <li class="entry-row">
      <PathLink ctx={props.ctx} path={props.path} dir={e()?.md5?.endsWith('.dir') || undefined} />
      <Show when={props.flags}>
        <span class="flags"> {props.flags}</span>
      </Show>
      <Show when={e()?.md5}>
        <div class="entry-meta">
          <code title={`${e()?.hashKind} ${e()?.md5}`}>{e()?.md5?.slice(0, 12)}</code>
          <Show when={e()?.size !== undefined}> · {formatBytes(e()?.size)}</Show>
          <Show when={e()?.nfiles !== undefined}> · {e()?.nfiles} files</Show>
          <Show when={e()?.hashKind === 'md5-dos2unix'}> · DVC 2 hash</Show>
          <Show when={props.cached}>
            <RemoteMark ctx={props.ctx} oid={e()?.md5} />
          </Show>
        </div>
      </Show>
    </li>
  );
}

function StageDetails(props: { ctx: PanelContext; id: string }) {
  const p = () => props.ctx.snapshot.pipeline;
  const stage = () => p().stages.find((s) => s.name === props.id);
  const locked = () => p().lock.stages[props.id];
  const status = () => props.ctx.status.get(props.id);
  const diff = () => props.ctx.diff.get(props.id);
  const source = () => p().sources[props.id];
  return (
    <Show when={stage()} fallback={<p class="muted">This stage is not in the pipeline at this ref.</p>}>
      {(s) => (
        <>
          <p class="panel-kind">
            Stage in <PathLink ctx={props.ctx} path={source()?.file ?? 'dvc.yaml'} dir={false} />
            <Show when={s().group}> · {s().group} (foreach/matrix)</Show>
          </p>
          <Show when={status()}>
            {(st) => (
              <div class={`stage-state ${st().state}`} data-testid="panel-status">
                {st().state === 'changed' ? 'Out of date' : 'Up to date'}
                <Show when={st().frozen}> · frozen</Show>
                <ul>
                  <For each={st().reasons}>{(r) => <li>{reasonText(r)}</li>}</For>
                </ul>
              </div>
            )}
          </Show>
          <Show when={diff()}>
            {(d) => (
              <div class="stage-diff" data-testid="panel-diff">
                {d().change === 'added' ? 'Added in this ref' : d().change === 'removed' ? 'Removed' : 'Changed'}
                <ul>
                  <For each={d().changes}>{(c) => <li>{changeText(c)}</li>}</For>
                </ul>
              </div>
            )}
          </Show>
          <h3>Last changed in</h3>
          <LastChange
            owner={props.ctx.owner}
            repo={props.ctx.repo}
            commit={props.ctx.snapshot.commit}
            stage={props.id}
            find={props.ctx.lastChange}
          />
          <h3>Command</h3>
          <pre class="cmd">{Array.isArray(s().cmd) ? (s().cmd as string[]).join('\n') : (s().cmd as string)}</pre>
          <Show when={s().wdir !== (source()?.dir ?? '.')}>
            <p>
              wdir: <code>{s().wdir}</code>
            </p>
          </Show>
          <Show when={s().frozen || s().alwaysChanged || s().desc}>
            <p class="flags">
              {[s().frozen ? 'frozen' : '', s().alwaysChanged ? 'always_changed' : '', s().desc ?? '']
                .filter(Boolean)
                .join(' · ')}
            </p>
          </Show>
          <h3>Deps</h3>
          <ul class="entries">
            <For each={s().deps}>
              {(d) => (
                <EntryRow
                  ctx={props.ctx}
                  path={joinPath(s().wdir, d)}
                  entry={locked()?.deps.find((e) => e.path === d)}
                />
              )}
            </For>
          </ul>
          <Show when={s().params.length > 0}>
            <h3>Params</h3>
            <ul class="entries params">
              <For each={s().params}>
                {(p) => {
                  const file = joinPath(s().wdir, p.file);
                  const data = () => props.ctx.snapshot.pipeline.params[file];
                  const keys = () =>
                    p.keys ?? (typeof data() === 'object' && data() !== null ? Object.keys(data() as object) : []);
                  return (
                    <li>
                      <PathLink ctx={props.ctx} path={file} dir={false} />
                      <table>
                        <tbody>
                          <For each={keys()}>
                            {(k) => (
                              <tr>
                                <td>{k}</td>
                                <td>
                                  <code>{JSON.stringify(getParam(data(), k)) ?? '—'}</code>
                                </td>
                              </tr>
                            )}
                          </For>
                        </tbody>
                      </table>
                    </li>
                  );
                }}
              </For>
            </ul>
          </Show>
          <h3>Outs</h3>
          <ul class="entries">
            <For each={s().outs}>
              {(o) => (
                <>
                  <EntryRow
                    ctx={props.ctx}
                    path={joinPath(s().wdir, o.path)}
                    entry={locked()?.outs.find((e) => e.path === o.path)}
                    cached={o.cache}
                    flags={[
                      o.kind === 'out' ? '' : o.kind,
                      o.cache ? '' : 'cache: false',
                      o.persist ? 'persist' : '',
                      o.push ? '' : 'push: false',
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  />
                  <Show when={o.kind === 'metric' ? props.ctx.snapshot.metrics[joinPath(s().wdir, o.path)] : undefined}>
                    {(m) => <MetricValues values={m()} />}
                  </Show>
                </>
              )}
            </For>
          </ul>
        </>
      )}
    </Show>
  );
}

function FileDetails(props: { ctx: PanelContext; path: string }) {
  const g = () => props.ctx.snapshot.pipeline.graph;
  const inside = (p: string, q: string) => p === q || p.startsWith(`${q}/`) || q.startsWith(`${p}/`);
  const makers = () => g().nodes.filter((n) => n.outs.some((o) => inside(props.path, o)));
  const users = () => g().nodes.filter((n) => n.deps.some((d) => inside(props.path, d)));
  const source = () => props.ctx.snapshot.pipeline.dvcFiles.find((f) => f.file === props.path);
  return (
    <>
      <p class="panel-kind">
        <PathLink ctx={props.ctx} path={source() ? props.path : props.path} />
      </p>
      <Show when={source()}>
        {(f) => (
          <ul class="entries">
            <For each={f().dvc.outs}>
              {(o) => (
                <EntryRow
                  ctx={props.ctx}
                  path={joinPath(props.path.replace(/\/?[^/]*$/, '') || '.', o.path)}
                  entry={o}
                  cached
                />
              )}
            </For>
          </ul>
        )}
      </Show>
      <h3>Made by</h3>
      <Show when={makers().length > 0} fallback={<p class="muted">No stage: kept in git or added with dvc add.</p>}>
        <ul class="entries">
          <For each={makers()}>{(n) => <li>{n.id}</li>}</For>
        </ul>
      </Show>
      <h3>Used by</h3>
      <Show when={users().length > 0} fallback={<p class="muted">No stage.</p>}>
        <ul class="entries">
          <For each={users()}>{(n) => <li>{n.id}</li>}</For>
        </ul>
      </Show>
    </>
  );
}

export function NodePanel(props: { ctx: PanelContext; id: string; onClose: () => void }) {
  const isPath = () => props.id.startsWith('path:');
  const isSource = () => props.ctx.snapshot.pipeline.dvcFiles.some((f) => f.file === props.id);
  const title = () => (isPath() ? props.id.slice(5) : props.id);
  return (
    <aside class="node-panel" data-testid="node-panel" aria-label={`Details of ${title()}`}>
      <header>
        <h2>{title()}</h2>
        <button type="button" class="icon-button" onClick={props.onClose} aria-label="Close details">
          ×
        </button>
      </header>
      <Show
        when={isPath() || isSource()}
        fallback={
          <Show
            when={!props.id.startsWith('group:')}
            fallback={
              <p class="muted">Several stages of one foreach/matrix definition. Expand the group to see them.</p>
            }
          >
            <StageDetails ctx={props.ctx} id={props.id} />
          </Show>
        }
      >
        <FileDetails ctx={props.ctx} path={title()} />
      </Show>
    </aside>
  );
}
