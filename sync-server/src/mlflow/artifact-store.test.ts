import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { artifactRootOf } from './artifact-store.ts';
import { runArtifactStoreConformance } from './artifact-store-conformance.ts';
import { makeDiskArtifactStore } from './disk-artifact-store.ts';

runArtifactStoreConformance('disk', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-artifacts-'));
  return { store: makeDiskArtifactStore(dir), cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
});

const allFiles = (root: string): string[] =>
  fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => d.name);

describe('disk artifact store', () => {
  it('leaves no temp file behind when an upload fails', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-artifacts-'));
    try {
      const store = makeDiskArtifactStore(dir);
      await store.put(1, 'f.bin', Readable.from([Buffer.from('old')]), 10);
      await expect(store.put(1, 'f.bin', Readable.from([Buffer.alloc(8), Buffer.alloc(8)]), 10)).rejects.toMatchObject({
        status: 413,
      });
      // The artifact and its checksum record (for fsck), nothing else: no temp file of either.
      expect(allFiles(dir).sort()).toEqual(['f.bin', 'f.bin.sha256']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('maps run artifact URIs served here to their path', () => {
    expect(artifactRootOf('mlflow-artifacts:/0/abc/artifacts')).toBe('0/abc/artifacts');
    expect(artifactRootOf('mlflow-artifacts://host:5000/1/abc/artifacts/')).toBe('1/abc/artifacts');
    expect(artifactRootOf('s3://bucket/x')).toBeNull();
  });
});
