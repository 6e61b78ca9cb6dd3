import { Route, Router } from '@solidjs/router';
import { lazy } from 'solid-js';
import { Layout } from './shell/Layout.tsx';

/**
 * Routes follow GitHub's URL shapes (docs/ARCHITECTURE.md) so every view reloads to itself.
 * Each page is loaded lazily: heavy libraries arrive only with the view that needs them.
 */
const HomePage = lazy(() => import('./repos/RepoListPage.tsx'));
const SignInPage = lazy(() => import('./sync/SignInPage.tsx'));
const AccountPage = lazy(() => import('./account/AccountPage.tsx'));
const AddDataPage = lazy(() => import('./data/AddDataPage.tsx'));
const RepoPage = lazy(() => import('./pages/RepoPage.tsx'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage.tsx'));
const RepoBrowser = lazy(() => import('./files/RepoBrowser.tsx'));
const CommitsPage = lazy(() => import('./history/CommitsPage.tsx'));
const CommitPage = lazy(() => import('./history/CommitPage.tsx'));
const CompareCommitsPage = lazy(() => import('./history/CompareCommitsPage.tsx'));
const ExperimentsPage = lazy(() => import('./experiments/ExperimentsPage.tsx'));
const ComparePage = lazy(() => import('./experiments/ComparePage.tsx'));
const RunPage = lazy(() => import('./experiments/RunPage.tsx'));
const PipelinePage = lazy(() => import('./pipeline/PipelinePage.tsx'));
const ModelsPage = lazy(() => import('./models/ModelsPage.tsx'));
const ModelPage = lazy(() => import('./models/ModelPage.tsx'));
const VersionPage = lazy(() => import('./models/VersionPage.tsx'));
const DataPage = lazy(() => import('./data-tab/DataPage.tsx'));
const NotebooksPage = lazy(() => import('./notebooks/NotebooksPage.tsx'));
const NotesPage = lazy(() => import('./notes/NotesPage.tsx'));
const StoragePage = lazy(() => import('./device-storage/StoragePage.tsx'));
const RepoSettingsPage = lazy(() => import('./repo-settings/RepoSettingsPage.tsx'));

export function App() {
  return (
    <Router root={Layout}>
      <Route path="/" component={HomePage} />
      <Route path="/sign-in" component={SignInPage} />
      <Route path="/account" component={AccountPage} />
      <Route path="/storage" component={StoragePage} />
      <Route path="/:owner/:repo/add-data" component={AddDataPage} />
      <Route path="/:owner/:repo" component={RepoPage}>
        <Route path="/" component={RepoBrowser} />
        <Route path={['/tree/*rest', '/blob/*rest']} component={RepoBrowser} />
        <Route path="/commits/*rest" component={CommitsPage} />
        <Route path="/commit/:sha" component={CommitPage} />
        <Route path="/compare/*range" component={CompareCommitsPage} />
        <Route path="/experiments" component={ExperimentsPage} />
        <Route path="/experiments/compare" component={ComparePage} />
        <Route path="/experiments/runs/:runId" component={RunPage} />
        <Route path={['/pipeline', '/pipeline/*rest']} component={PipelinePage} />
        <Route path="/models" component={ModelsPage} />
        <Route path="/models/:name" component={ModelPage} />
        <Route path="/models/:name/versions/:version" component={VersionPage} />
        <Route path="/data" component={DataPage} />
        <Route path="/notebooks" component={NotebooksPage} />
        <Route path={['/notes', '/notes/:noteId']} component={NotesPage} />
        <Route path="/settings" component={RepoSettingsPage} />
        <Route path="/*rest" />
      </Route>
      <Route path="*404" component={NotFoundPage} />
    </Router>
  );
}
