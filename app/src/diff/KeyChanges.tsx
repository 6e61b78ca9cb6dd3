/**
 * The top of a change list when params, metrics or `dvc.lock` changed: a key table as
 * `dvc params diff` / `dvc metrics diff` print it (Path, Param|Metric, Old, New, Change — the
 * change absolute and in %), and per `dvc.lock` stage the deps and outs whose hashes changed and
 * the params it ran with. Computed by core from the two blobs of each such file; the files
 * themselves still open their own diffs below.
 */

import { pythonStr } from '@cairn/core/dagshub';
import {
  diffDvcLocks,
  diffKeyValues,
  type KeyChange,
  type KeyFileKind,
  keyFileKindOf,
  type LockEntryChange,
  type LockStageDiff,
  readKeyValues,
} from '@cairn/core/diff';
import { createResource, For, Show } from 'solid-js';
import { valueNow } from '../files/ready.ts';
import { readBlobBytes } from '../git/read-blob.ts';
import type { ReadContext } from '../git/read-context.ts';
import { formatSize } from '../viewers/view-file.ts';
import type { DiffEntry } from './diff-entry.ts';
import { decodeText } from './file-kind.ts';

interface KeyRow extends KeyChange {
  path: string;
  kind: KeyFileKind;
}
interface KeyChangesData {
  rows: KeyRow[];
  stages: { path: string; stages: LockStageDiff[] }[];
  problems: string[];
}

const isLock = (path: string) => path === 'dvc.lock' || path.endsWith('/dvc.lock');

/** Whether a change list has anything for this panel (checked before reading blobs). */
export function hasKeyChanges(entries: readonly DiffEntry[]): boolean {
  return entries.some((e) => keyFileKindOf(e.path) !== null || isLock(e.path));
}

async function compute(ctx: ReadContext, entries: readonly DiffEntry[]): Promise<KeyChangesData> {
  const data: KeyChangesData = { rows: [], stages: [], problems: [] };
  const text = async (oid: string | null) => (oid ? decodeText(await readBlobBytes(ctx, oid)) : null);
  for (const e of entries) {
    const kind = keyFileKindOf(e.path);
    if (kind === null && !isLock(e.path)) continue;
    try {
      const [before, after] = await Promise.all([text(e.before), text(e.after)]);
      if (kind === null) {
        const stages = diffDvcLocks(before, after);
        if (stages.length > 0) data.stages.push({ path: e.path, stages });
        continue;
      }
      const values = (t: string | null, side: string) => {
        if (t === null) return undefined;
        const r = readKeyValues(t, e.path, kind);
        if (!r.ok) throw new Error(`${side} version: ${r.error.message}`);
        return r.value;
      };
      for (const c of diffKeyValues(values(before, 'old'), values(after, 'new'), { kind }))
        data.rows.push({ ...c, path: e.path, kind });
    } catch (error) {
      data.problems.push(`${e.path}: ${(error as Error).message}`);
    }
  }
  return data;
}

const show = (v: unknown) => (v === null ? '—' : pythonStr(v));

function change(c: KeyChange): string {
  if (typeof c.old !== 'number' || typeof c.new !== 'number') return '';
  const d = c.new - c.old;
  const abs = `${d > 0 ? '+' : d < 0 ? '−' : ''}${pythonStr(Math.abs(Number(d.toPrecision(12))))}`;
  if (c.old === 0) return abs;
  const pct = (d / Math.abs(c.old)) * 100;
  return `${abs} (${pct > 0 ? '+' : pct < 0 ? '−' : ''}${Math.abs(pct).toFixed(Math.abs(pct) < 10 ? 2 : 1)} %)`;
}

function KeyTable(props: { title: 'Param' | 'Metric'; rows: KeyRow[] }) {
  return (
    <div class="table-scroll">
      <table class="key-diff" data-testid={`key-diff-${props.title.toLowerCase()}`}>
        <thead>
          <tr>
            <th>Path</th>
            <th>{props.title}</th>
            <th>Old</th>
            <th>New</th>
            <th>Change</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.rows}>
            {(r) => (
              <tr data-testid="key-row" data-key={r.key}>
                <td class="muted">{r.path}</td>
                <td class="mono key-name">{r.key}</td>
                <td class={`mono ${r.old === null ? 'muted' : 'key-old'}`}>{show(r.old)}</td>
                <td class={`mono ${r.new === null ? 'muted' : 'key-new'}`}>{show(r.new)}</td>
                <td class="mono" data-testid="key-change">
                  {r.old === null ? 'added' : r.new === null ? 'removed' : change(r)}
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

const short = (h: string | null) => (h ? h.slice(0, 8) : '—');

function EntryRows(props: { label: string; list: LockEntryChange[] }) {
  return (
    <For each={props.list}>
      {(c) => (
        <tr data-testid="lock-entry">
          <td class="muted">{props.label}</td>
          <td class="mono key-name">{c.path}</td>
          <td class="mono">
            {short(c.old)} → {short(c.new)}
          </td>
          <td class="muted">
            {c.oldSize !== undefined && c.newSize !== undefined && c.oldSize !== c.newSize
              ? `${formatSize(c.oldSize)} → ${formatSize(c.newSize)}`
              : c.newSize !== undefined
                ? formatSize(c.newSize)
                : ''}
          </td>
        </tr>
      )}
    </For>
  );
}

function StageDiff(props: { stage: LockStageDiff }) {
  const s = () => props.stage;
  return (
    <div class={`lock-stage ${s().kind}`} data-testid="lock-stage" data-stage={s().stage}>
      <div>
        <strong>{s().stage}</strong> <span class="muted">stage {s().kind}</span>
      </div>
      <Show when={s().cmd}>
        {(cmd) => (
          <div class="mono lock-cmd">
            <Show when={cmd().old}>
              <div class="key-old">− {cmd().old}</div>
            </Show>
            <Show when={cmd().new}>
              <div class="key-new">+ {cmd().new}</div>
            </Show>
          </div>
        )}
      </Show>
      <Show when={s().deps.length + s().outs.length + s().params.length > 0}>
        <div class="table-scroll">
          <table class="key-diff">
            <tbody>
              <EntryRows label="dep" list={s().deps} />
              <EntryRows label="out" list={s().outs} />
              <For each={s().params}>
                {(p) => (
                  <tr data-testid="lock-param">
                    <td class="muted">param</td>
                    <td class="mono key-name">
                      {p.file}: {p.key}
                    </td>
                    <td class="mono">
                      {show(p.old)} → {show(p.new)}
                    </td>
                    <td />
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </div>
  );
}

export function KeyChanges(props: { ctx: ReadContext; entries: DiffEntry[] }) {
  const [data] = createResource(
    () => props.entries,
    (entries) => compute(props.ctx, entries),
  );
  // Read with valueNow(): it loads when a commit's changes are listed, after the page is shown.
  const shown = () => valueNow(data);
  const params = () => shown()?.rows.filter((r) => r.kind === 'params') ?? [];
  const metrics = () => shown()?.rows.filter((r) => r.kind === 'metrics') ?? [];
  return (
    <Show when={shown() && (shown()!.rows.length > 0 || shown()!.stages.length > 0 || shown()!.problems.length > 0)}>
      <section class="key-changes" data-testid="key-changes" aria-label="Params, metrics and pipeline changes">
        <Show when={params().length > 0}>
          <h3>Params</h3>
          <KeyTable title="Param" rows={params()} />
        </Show>
        <Show when={metrics().length > 0}>
          <h3>Metrics</h3>
          <KeyTable title="Metric" rows={metrics()} />
        </Show>
        <For each={shown()!.stages}>
          {(f) => (
            <>
              <h3>
                Pipeline <span class="muted mono">{f.path}</span>
              </h3>
              <For each={f.stages}>{(s) => <StageDiff stage={s} />}</For>
            </>
          )}
        </For>
        <For each={shown()!.problems}>
          {(p) => (
            <p class="notice" data-testid="key-problem">
              {p}
            </p>
          )}
        </For>
      </section>
    </Show>
  );
}
