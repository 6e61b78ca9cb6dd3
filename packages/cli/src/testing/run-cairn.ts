/**
 * Test support: runs the real `cairn` binary (bin/cairn.js) as a user would, with the progress
 * bar off, and returns its exit code and output instead of throwing on failure.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
export const CAIRN_BIN = path.resolve(import.meta.dirname, '../../bin/cairn.js');

export interface CairnRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCairn(cwd: string, ...args: string[]): Promise<CairnRun> {
  try {
    const r = await exec(process.execPath, [CAIRN_BIN, ...args], {
      cwd,
      env: { ...process.env, CAIRN_NO_PROGRESS: '1' },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
