import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskQueue } from './disk-queue.ts';

const run = promisify(execFile);
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-logger-dq-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the disk queue inside a git work tree', () => {
  it('stays out of git status, and leaves a .gitignore the user wrote alone', async () => {
    const env = { ...process.env, HOME: dir, GIT_CONFIG_NOSYSTEM: '1' };
    await run('git', ['init', '-q', dir], { env });
    fs.writeFileSync(path.join(dir, 'train.py'), 'print(1)\n');
    new DiskQueue(path.join(dir, '.cairn-logger-queue'));
    fs.writeFileSync(path.join(dir, '.cairn-logger-queue', 'ops', 'x.json'), '{}');
    const { stdout } = await run('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, env });
    expect(stdout.trim().split('\n')).toEqual(['?? train.py']);

    const own = path.join(dir, 'other-queue');
    fs.mkdirSync(own);
    fs.writeFileSync(path.join(own, '.gitignore'), 'ops/\n');
    new DiskQueue(own);
    expect(fs.readFileSync(path.join(own, '.gitignore'), 'utf8')).toBe('ops/\n');
  });
});
