import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { artifactRootOf, makeArtifactStore } from './artifact-store.ts';
import { MlflowError } from './errors.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-artifacts-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const allFiles = (root: string): string[] =>
  fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => d.name);

describe('artifact store', () => {
  it('stores, lists and finds files', async () => {
    const store = makeArtifactStore(dir);
    expect(await store.put(1, '0/run/artifacts/a/b.txt', Readable.from([Buffer.from('hello')]), 100)).toBe(5);
    expect(store.list(1, '0/run/artifacts')).toEqual([{ name: 'a', isDir: true, size: 0 }]);
    expect(store.list(1, '0/run/artifacts/a')).toEqual([{ name: 'b.txt', isDir: false, size: 5 }]);
    expect(fs.readFileSync(store.file(1, '0/run/artifacts/a/b.txt').file, 'utf8')).toBe('hello');
    expect(store.list(2, '0/run/artifacts')).toEqual([]);
    expect(() => store.file(1, '0/run/artifacts/a')).toThrow(MlflowError);
  });

  it.each(['../x', 'a/../../x', 'a//b', './a', 'a\\..\\b', 'a/\0', '.cairn-upload-1'])(
    'refuses the path %j',
    async (p) => {
      const store = makeArtifactStore(dir);
      await expect(store.put(1, p, Readable.from([Buffer.from('x')]), 100)).rejects.toMatchObject({
        code: 'INVALID_PARAMETER_VALUE',
      });
      expect(() => store.list(1, p)).toThrow(MlflowError);
      expect(allFiles(dir)).toEqual([]);
    },
  );

  it('leaves no temp file behind when an upload is too large, and keeps the old file', async () => {
    const store = makeArtifactStore(dir);
    await store.put(1, 'f.bin', Readable.from([Buffer.from('old')]), 10);
    await expect(store.put(1, 'f.bin', Readable.from([Buffer.alloc(8), Buffer.alloc(8)]), 10)).rejects.toMatchObject({
      status: 413,
    });
    // The artifact and its checksum record (for fsck), nothing else: no temp file of either.
    expect(allFiles(dir).sort()).toEqual(['f.bin', 'f.bin.sha256']);
    expect(fs.readFileSync(store.file(1, 'f.bin').file, 'utf8')).toBe('old');
  });

  it('maps run artifact URIs served here to their path', () => {
    expect(artifactRootOf('mlflow-artifacts:/0/abc/artifacts')).toBe('0/abc/artifacts');
    expect(artifactRootOf('mlflow-artifacts://host:5000/1/abc/artifacts/')).toBe('1/abc/artifacts');
    expect(artifactRootOf('s3://bucket/x')).toBeNull();
  });
});
