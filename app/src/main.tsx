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
