import { A } from '@solidjs/router';
import type { ParentProps } from 'solid-js';
import { Suspense } from 'solid-js';
import { AccountLink } from '../account/AccountLink.tsx';
import { SyncIndicator } from '../sync/SyncIndicator.tsx';
import { ThemeToggle } from './ThemeToggle.tsx';
import { UpdatePrompt } from './UpdatePrompt.tsx';

/** The frame around every page: top bar, main area, and the app-update prompt. */
export function Layout(props: ParentProps) {
  return (
    <div class="app">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <A href="/" class="brand" aria-label="Cairn home">
          <img src="/icon.svg" alt="" width="22" height="22" />
          <span>Cairn</span>
        </A>
        <nav class="topbar-actions">
          <SyncIndicator />
          <AccountLink />
          <ThemeToggle />
        </nav>
      </header>
      <main class="main" id="main" tabindex="-1" data-testid="main">
        <Suspense fallback={<p class="muted">Loading…</p>}>{props.children}</Suspense>
      </main>
      <UpdatePrompt />
    </div>
  );
}
