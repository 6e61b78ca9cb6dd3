/**
 * Globals the git libraries expect and a module worker lacks, set before they load (import this
 * first): isomorphic-git uses `Buffer`; lightning-fs's text encoding polyfill (fast-text-encoding)
 * looks for `window` or `global` and, finding neither, crashed the worker at load.
 */
import { Buffer } from 'buffer';

const g = globalThis as { global?: unknown; Buffer?: unknown };
g.global ??= globalThis;
g.Buffer ??= Buffer;
