import { describe, expect, it } from 'vitest';
import { loadYaml } from '../yaml/load-yaml.ts';
import { serializeDvcFile } from './dvc-file.ts';
import { parseDvcLock, serializeDvcLock } from './dvc-lock.ts';
import { parseDvcYaml } from './dvc-yaml.ts';
import { expandStages } from './expand-stages.ts';
import { fixture } from './fixtures.ts';
import { buildDvcFile, buildLockStage, type PathHash } from './lock-builder.ts';

describe('buildLockStage', () => {
  it('rebuilds example-get-started dvc.lock byte for byte from hashes and params', () => {
    const lockText = fixture('example-get-started/main/dvc.lock');
    const lock = parseDvcLock(lockText);
    const yaml = parseDvcYaml(fixture('example-get-started/main/dvc.yaml'));
    const params = loadYaml(fixture('example-get-started/main/params.yaml'));
    if (!lock.ok || !yaml.ok || !params.ok) throw new Error('fixtures');
    const stages = expandStages(yaml.value, { files: { 'params.yaml': params.value.data } });
    if (!stages.ok) throw stages.error;
    const hashes: Record<string, PathHash> = {};
    for (const s of Object.values(lock.value.stages)) {
      for (const e of [...s.deps, ...s.outs]) {
        hashes[e.path] = { md5: e.md5!, size: e.size!, ...(e.nfiles !== undefined ? { nfiles: e.nfiles } : {}) };
      }
    }
    const rebuilt = {
      schema: '2.0',
      stages: Object.fromEntries(
        stages.value.map((s) => [s.name, buildLockStage(s, { hashes, params: { 'params.yaml': params.value.data } })]),
      ),
      extra: {},
    };
    expect(serializeDvcLock(rebuilt)).toBe(lockText);
  });
});

describe('buildDvcFile', () => {
  it('writes what dvc add writes (DVC 3)', () => {
    expect(
      serializeDvcFile(buildDvcFile([{ path: 'data.xml', md5: '22a1a2931c8370d3aeedd7183606fd7f', size: 14445097 }])),
    ).toBe('outs:\n- md5: 22a1a2931c8370d3aeedd7183606fd7f\n  size: 14445097\n  hash: md5\n  path: data.xml\n');
    expect(
      serializeDvcFile(
        buildDvcFile([{ path: 'raw', md5: '10c3f643286f509fa7f6b4675d9efbad.dir', size: 222379, nfiles: 1 }]),
      ),
    ).toBe(
      'outs:\n- md5: 10c3f643286f509fa7f6b4675d9efbad.dir\n  size: 222379\n  nfiles: 1\n  hash: md5\n  path: raw\n',
    );
  });
});
