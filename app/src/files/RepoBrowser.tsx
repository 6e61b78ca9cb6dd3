/**
 * The file browser: `/owner/repo`, `/owner/repo/tree/REF/PATH` and `/owner/repo/blob/REF/PATH`.
 * Folders list git entries and tracked data together, with the README below; files open in
 * their viewer, whether they come from git or from the data cache.
 */
import { A, useLocation, useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { createResource, createSignal, Match, Show, Switch } from 'solid-js';
import { readBlobBytes } from '../git/read-blob.ts';
import { getBlobStore } from '../storage/blobs.ts';
import { FileViewer } from '../viewers/FileViewer.tsx';
import { fileFromBytes, fileFromStore, type ViewFile } from '../viewers/view-file.ts';
import { Breadcrumbs } from './Breadcrumbs.tsx';
import { type BrowseState, loadBrowse } from './browse-load.ts';
import { createRepoSession } from './create-repo-session.ts';
import { DataBanner, Size } from './DataBanner.tsx';
import { DataFetch } from './DataFetch.tsx';
import { DefaultBranch } from './DefaultBranch.tsx';
import type { BrowseEntry, BrowseTarget } from './dvc-overlay.ts';
import { EntryList } from './EntryList.tsx';
import { FileActions } from './FileActions.tsx';
import { Gallery } from './Gallery.tsx';
import { ImageNav } from './ImageNav.tsx';
import { isImageName, mostlyImages } from './image-folder.ts';
import { ReadErrorNotice } from './ReadErrorNotice.tsx';
import { RefPicker } from './RefPicker.tsx';
import { RepoLanding } from './RepoLanding.tsx';
import { RepoStatus } from './RepoStatus.tsx';
import { ready, rereadInTransition } from './ready.ts';
import type { RepoSession } from './repo-session.ts';
import { trackedBy } from './tracked-by.ts';
import { blobUrl, commitsUrl, decodeSegments, treeUrl } from './urls.ts';
import './files.css';

const README = /^readme(\.md|\.markdown|\.txt)?$/i;

function Readme(props: { session: RepoSession; entries: BrowseEntry[] }) {
  const entry = () => props.entries.find((e) => e.type === 'file' && e.source === 'git' && README.test(e.name));
  const [file] = createResource(entry, async (e) =>
    fileFromBytes(e.path, await readBlobBytes(props.session.ctx, e.oid)),
  );
  return (
    <Show when={ready(file)}>
      {(f) => (
        <section class="readme" data-testid="readme">
          <header class="readme-title">{f().name}</header>
          <FileViewer file={f()} />
        </section>
      )}
    </Show>
  );
}

/** `?view=`: `gallery` for a folder, `chart` for a metrics.csv; absent is the list or the table. */
function useView(): [() => string | undefined, (view: string | undefined) => void] {
  const [search, setSearch] = useSearchParams<{ view?: string }>();
  return [() => search.view, (view) => setSearch({ view })];
}

function Folder(props: {
  session: RepoSession;
  state: BrowseState;
  target: Extract<BrowseTarget, { kind: 'folder' | 'dvc-folder' }>;
}) {
  const { owner, repo } = props.session.handle;
  const [view] = useView();
  const images = () => mostlyImages(props.target.entries);
  const gallery = () => view() === 'gallery' && props.target.entries.some((e) => e.type === 'file');
  const here = () => treeUrl(owner, repo, props.state.rev, props.target.path);
  return (
    <>
      <Show when={props.target.kind === 'dvc-folder' && props.target}>
        {(t) => (
          <DataBanner
            owner={owner}
            repo={repo}
            rev={props.state.rev}
            out={t().out}
            path={t().path}
            entries={t().entries}
          />
        )}
      </Show>
      <Show when={props.target.warnings.length}>
        <p class="warn">{props.target.warnings.join(' · ')}</p>
      </Show>
      <Show when={images() || gallery()}>
        <div class="folder-tools">
          <fieldset class="view-switch" aria-label="Show as">
            <A href={here()} aria-current={gallery() ? undefined : 'page'} end data-testid="view-list">
              List
            </A>
            <A href={`${here()}?view=gallery`} aria-current={gallery() ? 'page' : undefined} data-testid="view-gallery">
              Gallery
            </A>
          </fieldset>
        </div>
      </Show>
      <Show
        when={gallery()}
        fallback={
          <EntryList
            owner={owner}
            repo={repo}
            rev={props.state.rev}
            path={props.target.path}
            entries={props.target.entries}
          />
        }
      >
        <Gallery session={props.session} rev={props.state.rev} entries={props.target.entries} />
      </Show>
      <Readme session={props.session} entries={props.target.entries} />
    </>
  );
}

function FileHeader(props: { name: string; size: number | null; detail?: string; file?: ViewFile | undefined }) {
  return (
    <header class="file-header">
      <strong>{props.name}</strong>
      <span class="muted">
        <Size bytes={props.size} />
        <Show when={props.detail}>{(d) => <> · {d()}</>}</Show>
      </span>
      <Show when={props.file}>{(f) => <FileActions file={f()} />}</Show>
    </header>
  );
}

function GitFile(props: { session: RepoSession; state: BrowseState; path: string; oid: string }) {
  const [view, setView] = useView();
  const [file] = createResource(
    () => props.oid,
    async (oid) => fileFromBytes(props.path, await readBlobBytes(props.session.ctx, oid)),
  );
  return (
    <Show when={ready(file)} fallback={<p class="muted">Loading…</p>}>
      {(f) => (
        <section class="file" data-testid="file">
          <FileHeader name={f().name} size={f().size} file={f()} />
          <Show when={isImageName(props.path)}>
            <ImageNav session={props.session} commit={props.state.commit} rev={props.state.rev} path={props.path} />
          </Show>
          <FileViewer file={f()} view={view()} onView={setView} />
        </section>
      )}
    </Show>
  );
}

function DataFile(props: {
  session: RepoSession;
  state: BrowseState;
  target: Extract<BrowseTarget, { kind: 'dvc-file' }>;
}) {
  const [loaded, setLoaded] = createSignal<ViewFile | undefined>();
  const [view, setView] = useView();
  return (
    <section class="file" data-testid="file">
      <FileHeader
        name={props.target.path.split('/').pop() ?? ''}
        // A manifest written without sizes says nothing until the bytes are here.
        size={props.target.size ?? loaded()?.size ?? null}
        detail={trackedBy(props.target.out)}
        file={loaded()}
      />
      <Show when={isImageName(props.target.path)}>
        <ImageNav session={props.session} commit={props.state.commit} rev={props.state.rev} path={props.target.path} />
      </Show>
      <DataFetch
        handle={props.session.handle}
        oid={props.target.oid}
        legacy={props.target.legacy}
        size={props.target.size}
        what="data file"
        load={async () => {
          const file = await fileFromStore(getBlobStore(), props.target.path, props.target.object);
          if (!file) throw new Error('the data vanished from this device while opening');
          setLoaded(file);
          return file;
        }}
      >
        {(file) => <FileViewer file={file} view={view()} onView={setView} />}
      </DataFetch>
    </section>
  );
}

/**
 * Whose commits the History link lists: the file or folder itself when git holds it; for data,
 * the `.dvc` file or `dvc.lock` that records it (its versions are that file's commits).
 */
function historyPath(target: BrowseTarget): string {
  switch (target.kind) {
    case 'dvc-file':
    case 'dvc-folder':
    case 'dvc-folder-missing':
      return target.out.pointer;
    default:
      return target.path;
  }
}

export default function RepoBrowser() {
  const params = useParams<{ owner: string; repo: string; rest?: string }>();
  const navigate = useNavigate();
  const location = useLocation();
  const { session, clone, retry, opening } = createRepoSession();
  const [state, { refetch }] = createResource(
    () => {
      const s = ready(session);
      return s ? ([s, params.rest ?? ''] as const) : undefined;
    },
    ([s, rest]) => loadBrowse(s, decodeSegments(rest)),
  );
  const reread = () => void rereadInTransition(refetch);
  const isBlob = () => location.pathname.includes('/blob/');
  const pick = (rev: string) => {
    const st = ready(state);
    if (!st) return;
    const path = st.target.path;
    navigate(isBlob() ? blobUrl(params.owner, params.repo, rev, path) : treeUrl(params.owner, params.repo, rev, path));
  };
  const error = () => (state.error as { code?: string } | undefined) ?? undefined;
  return (
    <div class="browser" data-testid="browser">
      <RepoStatus loading={opening()} error={session.error} clone={clone()} onRetry={retry} />
      <Show when={ready(session)}>
        {(s) => (
          <Switch>
            <Match when={error()?.code === 'empty_repository'}>
              <RepoLanding session={s()} />
            </Match>
            <Match when={error()}>
              <ReadErrorNotice error={state.error} owner={params.owner} repo={params.repo} testId="browse-error" />
            </Match>
            <Match when={ready(state)}>
              {(st) => (
                <>
                  <div class="browser-bar">
                    <RefPicker refs={st().refs} rev={st().rev} commit={st().commit} onPick={pick} />
                    <Breadcrumbs owner={params.owner} repo={params.repo} rev={st().rev} path={st().target.path} />
                    <A
                      class="browser-history"
                      href={commitsUrl(params.owner, params.repo, st().rev, historyPath(st().target))}
                      data-testid="browser-history"
                    >
                      History
                    </A>
                  </div>
                  <Show when={!params.rest}>
                    <DefaultBranch session={s()} refs={st().refs} onChanged={reread} />
                  </Show>
                  <Switch>
                    <Match when={(st().target.kind === 'folder' || st().target.kind === 'dvc-folder') && st().target}>
                      {(t) => (
                        <Folder
                          session={s()}
                          state={st()}
                          target={t() as Extract<BrowseTarget, { kind: 'folder' | 'dvc-folder' }>}
                        />
                      )}
                    </Match>
                    <Match
                      when={
                        st().target.kind === 'git-file' && (st().target as Extract<BrowseTarget, { kind: 'git-file' }>)
                      }
                    >
                      {(t) => <GitFile session={s()} state={st()} path={t().path} oid={t().oid} />}
                    </Match>
                    <Match
                      when={
                        st().target.kind === 'dvc-file' && (st().target as Extract<BrowseTarget, { kind: 'dvc-file' }>)
                      }
                    >
                      {(t) => <DataFile session={s()} state={st()} target={t()} />}
                    </Match>
                    <Match
                      when={
                        st().target.kind === 'dvc-folder-missing' &&
                        (st().target as Extract<BrowseTarget, { kind: 'dvc-folder-missing' }>)
                      }
                    >
                      {(t) => (
                        <>
                          <DataBanner
                            owner={params.owner}
                            repo={params.repo}
                            rev={st().rev}
                            out={t().out}
                            path={t().path}
                            entries={null}
                          />
                          <DataFetch
                            handle={s().handle}
                            oid={t().out.oid}
                            legacy={t().out.legacy}
                            size={null}
                            what="list of this data folder's files"
                            load={async () => {
                              reread();
                              return true;
                            }}
                          >
                            {() => <p class="muted">Opening…</p>}
                          </DataFetch>
                        </>
                      )}
                    </Match>
                    <Match when={st().target.kind === 'submodule'}>
                      <p class="notice">This is a git submodule; its files live in another repository.</p>
                    </Match>
                  </Switch>
                </>
              )}
            </Match>
            <Match when={state.loading}>
              <p class="muted">Loading…</p>
            </Match>
          </Switch>
        )}
      </Show>
    </div>
  );
}
