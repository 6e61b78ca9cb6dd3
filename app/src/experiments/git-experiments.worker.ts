/**
 * Computes git experiments off the main thread: opens the repository's lightning-fs (the same
 * IndexedDB database the tab uses, read only here) and runs the core scanner. One scanner per
 * repository lives as long as the worker, so a rescan after a fetch reads only new commits;
 * its per-commit results are kept in the experiments database (run-store.ts gitScans), so the
 * next visit reads only commits made since.
 */
import './worker-globals.ts';
import { GitExperimentScanner } from '@cairn/core/experiments';
import FS from '@isomorphic-git/lightning-fs';
import * as git from 'isomorphic-git';
import { packedFs } from '../storage/packed-fs.ts';
import type { ScanRequest, ScanResponse } from './git-experiments-protocol.ts';
import { makeIsoGitReader } from './isogit-reader.ts';
import { experimentsDb, gitScanCache } from './run-store.ts';

const scanners = new Map<string, GitExperimentScanner>();

self.onmessage = async (event: MessageEvent<ScanRequest>) => {
  const { id, fsName, dir, repo } = event.data;
  const key = `${fsName}\0${dir}\0${repo}`;
  const t0 = performance.now();
  try {
    let scanner = scanners.get(key);
    if (!scanner) {
      const fs = packedFs(new FS(fsName), fsName);
      scanner = new GitExperimentScanner(makeIsoGitReader(git, fs, dir), {
        cache: gitScanCache(experimentsDb(), repo),
      });
      scanners.set(key, scanner);
    }
    const experiments = await scanner.scan();
    const reply: ScanResponse = { id, ok: true, experiments, ms: performance.now() - t0 };
    self.postMessage(reply);
  } catch (err) {
    scanners.delete(key);
    const reply: ScanResponse = { id, ok: false, message: err instanceof Error ? err.message : String(err) };
    self.postMessage(reply);
  }
};
