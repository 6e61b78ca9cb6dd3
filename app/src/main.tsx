/* @refresh reload */
// isomorphic-git needs Buffer, which Vite does not polyfill (STACK gotcha 3): install it first.
import { Buffer } from 'buffer';

(globalThis as { Buffer?: unknown }).Buffer ??= Buffer;

import { render } from 'solid-js/web';
import { App } from './App.tsx';
import './shell/theme.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
render(() => <App />, root);

// Data cached in IndexedDB (before the OPFS store, or written on this thread) moves into OPFS in
// a worker, once the app has drawn: nothing is downloaded again, and every object stays readable.
setTimeout(() => void import('./storage/blobs.ts').then((m) => m.startOpfsMove()), 2000);
