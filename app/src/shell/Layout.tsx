import { A } from '@solidjs/router';
import type { ParentProps } from 'solid-js';
import { Suspense } from 'solid-js';
import { SyncIndicator } from '../sync/SyncIndicator.tsx';
import { ThemeToggle } from './ThemeToggle.tsx';
import { UpdatePrompt } from './UpdatePrompt.tsx';

/** The frame around every page: top bar, main area, and the app-update prompt. */
export function Layout(props: ParentProps) {
  return (
    <div class="app">
      <header class="topbar">
        <A href="/" class="brand" aria-label="Cairn home">
          <img src="/icon.svg" alt="" width="22" height="22" />
          <span>Cairn</span>
        </A>
        <nav class="topbar-actions">
          <SyncIndicator />
          <A href="/sign-in" class="icon-button" data-testid="sign-in-link">
            Account
          </A>
          <ThemeToggle />
        </nav>
      </header>
      <main class="main" data-testid="main">
        <Suspense fallback={<p class="muted">Loading…</p>}>{props.children}</Suspense>
      </main>
      <UpdatePrompt />
    </div>
  );
}
