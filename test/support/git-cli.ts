import { execFile } from 'node:child_process';

export interface GitResult {
  code: number;
  /** stdout followed by stderr. */
  out: string;
  stdout: string;
}

/**
 * The real `git` CLI for tests, isolated from the machine's configuration (HOME is `home`, no
 * system config, never prompts) with a fixed author. Asynchronous on purpose: a synchronous git
 * call would deadlock against `git http-backend` served by this same process (docs/STACK.md gotcha 7).
 */
export function runGit(args: string[], opts: { home: string; cwd?: string }): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      args,
      {
        cwd: opts.cwd,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          PATH: process.env.PATH,
          HOME: opts.home,
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_TERMINAL_PROMPT: '0',
          GIT_AUTHOR_NAME: 'T',
          GIT_AUTHOR_EMAIL: 't@example.org',
          GIT_COMMITTER_NAME: 'T',
          GIT_COMMITTER_EMAIL: 't@example.org',
        },
      },
      (err, stdout, stderr) =>
        resolve({
          code: err ? ((err as { code?: number }).code ?? 1) : 0,
          out: `${stdout}${stderr}`,
          stdout: String(stdout),
        }),
    );
  });
}
