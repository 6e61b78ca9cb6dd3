import { spawn } from 'node:child_process';
import { gitEnv, runGit } from '../git/run-git.ts';
import type { DemoCommit } from './history.ts';

/**
 * Writes the demo history into the repository's bare folder with the real `git` CLI, in one
 * `git fast-import` run (one process for the whole history instead of several per commit).
 * Each commit replaces the whole tree (`deleteall`, then every file), is authored by the demo
 * user at its fixed date, and `main` points at the last one. Fixed dates, names and trees give
 * the same commit ids on every server. Returns the commit ids, oldest first.
 */
export async function writeDemoCommits(bareDir: string, commits: DemoCommit[]): Promise<string[]> {
  const parts: Buffer[] = [];
  const text = (s: string) => parts.push(Buffer.from(s, 'utf8'));
  const data = (bytes: Uint8Array) => {
    text(`data ${bytes.length}\n`);
    parts.push(Buffer.from(bytes));
    text('\n');
  };
  commits.forEach((c, i) => {
    const when = `${Math.floor(Date.parse(c.date) / 1000)} +0000`;
    text(`commit refs/heads/main\nmark :${i + 1}\n`);
    text(`author Cairn demo <demo@cairn.invalid> ${when}\ncommitter Cairn demo <demo@cairn.invalid> ${when}\n`);
    data(Buffer.from(`${c.message}\n`, 'utf8'));
    if (i > 0) text(`from :${i}\n`);
    text('deleteall\n');
    for (const [path, bytes] of [...c.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (/[\n"]/.test(path) || path.startsWith('/') || path.split('/').includes('..')) {
        throw new Error(`bad demo path ${JSON.stringify(path)}`);
      }
      text(`M 100644 inline ${path}\n`);
      data(bytes);
    }
    text('\n');
  });
  text('done\n');
  await fastImport(bareDir, Buffer.concat(parts));
  return (await runGit(['rev-list', '--reverse', 'refs/heads/main'], { cwd: bareDir })).trim().split('\n');
}

function fastImport(bareDir: string, stream: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['fast-import', '--quiet', '--done'], { cwd: bareDir, env: gitEnv() });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`git fast-import failed (${code}): ${stderr.slice(-500)}`)),
    );
    child.stdin.on('error', () => {}); // a failing import closes stdin early; 'close' reports it
    child.stdin.end(stream);
  });
}
