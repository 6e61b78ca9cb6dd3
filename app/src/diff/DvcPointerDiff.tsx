/**
 * What changed in the data a `.dvc` file points to, as `dvc diff` says it: per out, the hash
 * and size before and after; for a tracked folder, the files added, deleted, modified and
 * renamed between the two `.dir` manifests (when both are in this device's data cache), each
 * opening its own content diff. What is not on this device (a file list, either version of a
 * file) is named, with "Fetch both versions" when online (data-on-demand.tsx).
 */
import type { DirChange, DirDiff } from '@cairn/core/diff';
import { createResource, createSignal, For, Show } from 'solid-js';
import { parseDirManifest } from '../files/dir-manifest.ts';
import { type DvcOut, parseDvcPointer } from '../files/dvc-pointer.ts';
import { valueNow } from '../files/ready.ts';
import { objectId } from '../storage/blob-store.ts';
import { getBlobStore } from '../storage/blobs.ts';
import { formatSize } from '../viewers/view-file.ts';
import { FetchMissing, OnDevice } from './data-on-demand.tsx';
import { diffInWorker } from './diff-client.ts';
import { FileDiffBody, type LoadSides } from './FileDiffBody.tsx';
import { decodeText } from './file-kind.ts';
import type { DiffLayout } from './TextDiffView.tsx';

const SHOWN_FILES = 1000;

function outsOf(bytes: Uint8Array | null, path: string): DvcOut[] {
  return bytes ? parseDvcPointer(decodeText(bytes), path) : [];
}

const sizeChange = (a: number | null | undefined, b: number | null | undefined) => {
  if (a == null || b == null) return formatSize(b ?? a);
  const d = b - a;
  return `${formatSize(a)} → ${formatSize(b)} (${d >= 0 ? '+' : '−'}${formatSize(Math.abs(d))})`;
};

/** Both versions of one data file from the cache; a side not on this device is named in the error. */
function cacheSides(algorithm: DvcOut['algorithm'], before: string | null, after: string | null): LoadSides {
  return async () => {
    const store = getBlobStore();
    const get = async (md5: string | null, side: string) => {
      if (!md5) return null;
      const bytes = await store.get(objectId(algorithm, md5));
      if (!bytes)
        throw new Error(
          `the ${side} version (md5 ${md5.slice(0, 8)}…) is not on this device; open the file to fetch it.`,
        );
      return bytes;
    };
    const [b, a] = await Promise.all([get(before, 'old'), get(after, 'new')]);
    return { before: b, after: a };
  };
}

function DirChangeRow(props: { change: DirChange; out: DvcOut; layout: DiffLayout }) {
  const [open, setOpen] = createSignal(false);
  const c = () => props.change;
  const label = () => (c().kind === 'renamed' ? `${c().oldPath} → ${c().path}` : c().path);
  return (
    <li class={`dir-change ${c().kind}`} data-testid="dir-change" data-kind={c().kind}>
      <button type="button" class="link-button" onClick={() => setOpen(!open())} aria-expanded={open()}>
        {c().kind} {label()}
      </button>{' '}
      <span class="muted">{sizeChange(c().before?.size, c().after?.size)}</span>
      <Show when={open()}>
        <OnDevice
          algorithm={props.out.algorithm}
          what="version"
          sides={[
            { side: 'old', md5: c().before?.md5 ?? null },
            { side: 'new', md5: c().after?.md5 ?? null },
          ]}
        >
          <FileDiffBody
            path={c().path}
            load={cacheSides(props.out.algorithm, c().before?.md5 ?? null, c().after?.md5 ?? null)}
            layout={props.layout}
            ignoreWhitespace={false}
          />
        </OnDevice>
      </Show>
    </li>
  );
}

function OutDiff(props: { before: DvcOut | null; after: DvcOut | null; layout: DiffLayout }) {
  const out = () => (props.after ?? props.before) as DvcOut;
  const [dir, { refetch }] = createResource(
    () => (props.before?.isDir || props.after?.isDir ? [props.before, props.after] : undefined),
    async ([b, a]): Promise<DirDiff | { missing: string; oids: string[] }> => {
      const store = getBlobStore();
      const absent: { side: string; oid: string }[] = [];
      const manifest = async (o: DvcOut | null | undefined, side: string) => {
        if (!o?.isDir) return [];
        const bytes = await store.get(o.object);
        if (!bytes) {
          absent.push({ side, oid: o.oid });
          return [];
        }
        return parseDirManifest(decodeText(bytes), o.oid);
      };
      try {
        const [before, after] = await Promise.all([manifest(b, 'old'), manifest(a, 'new')]);
        if (absent.length > 0) {
          const message = absent
            .map((x) => `The ${x.side} file list (${x.oid.slice(0, 8)}….dir) is not on this device.`)
            .join(' ');
          return { missing: message, oids: absent.map((x) => x.oid) };
        }
        return await diffInWorker({ type: 'dir', before, after });
      } catch (error) {
        return { missing: (error as Error).message, oids: [] };
      }
    },
  );
  const same = () => props.before?.oid === props.after?.oid;
  return (
    <div class="dvc-out" data-testid="dvc-out">
      <div>
        <strong>{out().path}</strong>{' '}
        <span class="muted">
          {props.before ? props.before.oid.slice(0, 8) : 'new'} →{' '}
          {props.after ? props.after.oid.slice(0, 8) : 'removed'} · {sizeChange(props.before?.size, props.after?.size)}
          {same() ? ' · data unchanged' : ''}
        </span>
      </div>
      {/* Keyed: the list of missing file lists and the diff are different views, redrawn when a fetch lands. */}
      <Show when={valueNow(dir)} keyed>
        {(d) =>
          'missing' in d ? (
            <div>
              <p class="diff-note muted" data-testid="dvc-missing">
                {(d as { missing: string }).missing}
              </p>
              <Show when={(d as { oids: string[] }).oids.length > 0}>
                <FetchMissing
                  algorithm={out().algorithm}
                  md5s={(d as { oids: string[] }).oids}
                  count={[props.before, props.after].filter((o) => o?.isDir).length}
                  what="file list"
                  onDone={refetch}
                />
              </Show>
            </div>
          ) : (
            <>
              <p class="diff-note" data-testid="dvc-summary">
                {(() => {
                  const s = (d as DirDiff).summary;
                  return `${s.added} added, ${s.deleted} deleted, ${s.modified} modified, ${s.renamed} renamed files`;
                })()}
              </p>
              <ul class="dir-changes">
                <For each={(d as DirDiff).changes.slice(0, SHOWN_FILES)}>
                  {(c) => <DirChangeRow change={c} out={out()} layout={props.layout} />}
                </For>
              </ul>
            </>
          )
        }
      </Show>
      <Show when={!out().isDir && !same() && (props.before || props.after)}>
        <OnDevice
          algorithm={out().algorithm}
          what="version"
          sides={[
            { side: 'old', md5: props.before?.oid ?? null },
            { side: 'new', md5: props.after?.oid ?? null },
          ]}
        >
          <FileDiffBody
            path={out().path}
            load={cacheSides(out().algorithm, props.before?.oid ?? null, props.after?.oid ?? null)}
            layout={props.layout}
            ignoreWhitespace={false}
          />
        </OnDevice>
      </Show>
    </div>
  );
}

export function DvcPointerDiff(props: {
  path: string;
  before: Uint8Array | null;
  after: Uint8Array | null;
  layout: DiffLayout;
}) {
  const pairs = () => {
    try {
      const b = outsOf(props.before, props.path);
      const a = outsOf(props.after, props.path);
      const paths = [...new Set([...b.map((o) => o.path), ...a.map((o) => o.path)])];
      return paths.map((p) => ({
        before: b.find((o) => o.path === p) ?? null,
        after: a.find((o) => o.path === p) ?? null,
      }));
    } catch (error) {
      return (error as Error).message;
    }
  };
  return (
    <div class="dvc-diff" data-testid="dvc-diff">
      <Show when={typeof pairs() !== 'string'} fallback={<p class="notice error">{pairs() as string}</p>}>
        <For each={pairs() as { before: DvcOut | null; after: DvcOut | null }[]}>
          {(p) => <OutDiff before={p.before} after={p.after} layout={props.layout} />}
        </For>
      </Show>
    </div>
  );
}
