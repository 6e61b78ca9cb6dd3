import { execFile } from 'node:child_process';
import { CairnError } from '@cairn/core/errors';

/**
 * Runs the `git` CLI asynchronously (never sync: the server may be serving the very request git
 * makes — docs/STACK.md gotcha 7), isolated from the host's user and system config.
 */
export class GitCommandError extends CairnError<
  'git_command_failed',
  { args: string[]; exitCode: number | null; stderr: string }
> {
  constructor(data: { args: string[]; exitCode: number | null; stderr: string }) {
    super(
      'git_command_failed',
      `git ${data.args[0]} failed: ${data.stderr.trim().split('\n').slice(-3).join(' ').slice(0, 500)}`,
      data,
    );
    this.name = 'GitCommandError';
  }
}

/** Environment for every git process the server starts: no user/system config, no prompts. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    HOME: '/nonexistent',
    LANG: 'C',
    ...extra,
  };
}

export function runGit(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: opts.cwd,
        env: gitEnv(opts.env),
        timeout: opts.timeoutMs ?? 0,
        maxBuffer: 16 * 1024 * 1024,
        signal: opts.signal,
      },
      (err, stdout, stderr) => {
        if (err) {
          reject(
            new GitCommandError({
              args,
              exitCode: typeof err.code === 'number' ? err.code : null,
              stderr: String(stderr || err.message),
            }),
          );
        } else resolve(String(stdout));
      },
    );
  });
}
