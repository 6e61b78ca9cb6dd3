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
          <A
            href="/storage"
            class="icon-button storage-link"
            title="Storage on this device: what is kept here, and freeing space"
            aria-label="Storage on this device"
            data-testid="storage-link"
          >
            <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
              <path
                fill="currentColor"
                d="M2 3.5C2 2.1 4.7 1 8 1s6 1.1 6 2.5v9C14 13.9 11.3 15 8 15s-6-1.1-6-2.5v-9Zm1.5 0c0 .5 1.8 1.2 4.5 1.2s4.5-.7 4.5-1.2S10.7 2.3 8 2.3 3.5 3 3.5 3.5Zm9 2.1C11.4 6.2 9.8 6.5 8 6.5s-3.4-.3-4.5-.9V8c0 .5 1.8 1.2 4.5 1.2S12.5 8.5 12.5 8V5.6Zm0 4.5c-1.1.6-2.7.9-4.5.9s-3.4-.3-4.5-.9v2.4c0 .5 1.8 1.2 4.5 1.2s4.5-.7 4.5-1.2v-2.4Z"
              />
            </svg>
          </A>
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
