import { Route, Router } from '@solidjs/router';
import { lazy } from 'solid-js';
import { Layout } from './shell/Layout.tsx';

/**
 * Routes follow GitHub's URL shapes (../shared/DESIGN.md) so every view reloads to itself.
 * Each page is loaded lazily: heavy libraries arrive only with the view that needs them.
 */
const HomePage = lazy(() => import('./pages/HomePage.tsx'));
const RepoPage = lazy(() => import('./pages/RepoPage.tsx'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage.tsx'));

export function App() {
  return (
    <Router root={Layout}>
      <Route path="/" component={HomePage} />
      <Route path="/:owner/:repo/*rest" component={RepoPage} />
      <Route path="*404" component={NotFoundPage} />
    </Router>
  );
}
