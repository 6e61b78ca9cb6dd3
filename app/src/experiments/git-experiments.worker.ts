/**
 * Computes git experiments off the main thread: opens the repository's lightning-fs (the same
 * IndexedDB database the tab uses, read only here) and runs the core scanner. One scanner per
 * repository lives as long as the worker, so a rescan after a fetch reads only new commits.
 */
import { Buffer } from 'buffer';

(globalThis as { Buffer?: unknown }).Buffer ??= Buffer;

import { GitExperimentScanner } from '@cairn/core/experiments/index';
import FS from '@isomorphic-git/lightning-fs';
import * as git from 'isomorphic-git';
import type { ScanRequest, ScanResponse } from './git-experiments-protocol.ts';
import { makeIsoGitReader } from './isogit-reader.ts';

const scanners = new Map<string, GitExperimentScanner>();

self.onmessage = async (event: MessageEvent<ScanRequest>) => {
  const { id, fsName, dir } = event.data;
  const t0 = performance.now();
  try {
    let scanner = scanners.get(fsName);
    if (!scanner) {
      const fs = new FS(fsName);
      scanner = new GitExperimentScanner(makeIsoGitReader(git, fs, dir));
      scanners.set(fsName, scanner);
    }
    const experiments = await scanner.scan();
    const reply: ScanResponse = { id, ok: true, experiments, ms: performance.now() - t0 };
    self.postMessage(reply);
  } catch (err) {
    scanners.delete(fsName);
    const reply: ScanResponse = { id, ok: false, message: err instanceof Error ? err.message : String(err) };
    self.postMessage(reply);
  }
};
