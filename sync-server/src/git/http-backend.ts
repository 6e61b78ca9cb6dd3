import { type ChildProcess, spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '../http/respond.ts';
import type { Logger } from '../log.ts';
import { gitEnv } from './run-git.ts';

/**
 * Runs one request through the real `git http-backend` (a CGI program) as an async child
 * process: request body streamed to its stdin, its CGI headers parsed, the rest streamed back.
 * The caller has authorised the request; `remoteUser` is who it is (git records it in reflogs).
 */
export interface BackendRequest {
  projectRoot: string;
  /** e.g. `/12.git/info/refs` — built from the repo id, never from a user-supplied name. */
  pathInfo: string;
  remoteUser: string | null;
  /**
   * Runs after git exits and before the response ends (e.g. fixing HEAD after a push), so a
   * client whose request has returned already sees its effect. Its failure is logged, not sent.
   */
  afterGit?: () => Promise<void>;
}

/** Largest CGI header block git may send before the body (it is a few lines). */
const MAX_CGI_HEADER = 64 * 1024;

export function makeGitBackend(log: Logger) {
  const running = new Set<ChildProcess>();

  return {
    get active(): number {
      return running.size;
    },

    serve(req: IncomingMessage, res: ServerResponse, url: URL, r: BackendRequest): Promise<void> {
      return new Promise<void>((resolve) => {
        const env: Record<string, string> = {
          GIT_PROJECT_ROOT: r.projectRoot,
          GIT_HTTP_EXPORT_ALL: '1',
          PATH_INFO: r.pathInfo,
          REQUEST_METHOD: req.method ?? 'GET',
          QUERY_STRING: url.search.replace(/^\?/, ''),
          REMOTE_ADDR: req.socket.remoteAddress ?? '',
          CONTENT_TYPE: String(req.headers['content-type'] ?? ''),
          // A push may delete the default branch (git refuses by default); the caller's afterGit
          // then moves HEAD to another branch. Set here, not in each repository's config, so
          // repositories made before this rule follow it too.
          GIT_CONFIG_COUNT: '1',
          GIT_CONFIG_KEY_0: 'receive.denyDeleteCurrent',
          GIT_CONFIG_VALUE_0: 'ignore',
        };
        if (req.headers['content-length'] !== undefined) env.CONTENT_LENGTH = String(req.headers['content-length']);
        if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
        const protocol = req.headers['git-protocol'];
        if (typeof protocol === 'string' && /^[a-z0-9=:._-]{1,100}$/i.test(protocol)) env.GIT_PROTOCOL = protocol;
        if (r.remoteUser) env.REMOTE_USER = r.remoteUser;

        const child = spawn('git', ['http-backend'], { env: gitEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
        running.add(child);
        let stderr = '';
        let headerDone = false;
        let header = Buffer.alloc(0);

        const finish = () => {
          running.delete(child);
          resolve();
        };
        const endAfterGit = async () => {
          try {
            await r.afterGit?.();
          } catch (err) {
            log.error('work after git http-backend failed', { error: String(err) });
          }
          res.end();
          finish();
        };
        child.on('error', (err) => {
          log.error('git http-backend could not start', { error: String(err) });
          if (!res.headersSent) sendError(res, 500, 'git_backend_failed', 'The git backend could not start.');
          finish();
        });
        child.stderr.on('data', (d: Buffer) => {
          if (stderr.length < 4000) stderr += d.toString('utf8');
        });
        child.stdin.on('error', () => {}); // git may stop reading early (e.g. refusing a push)
        req.pipe(child.stdin);
        req.on('error', () => child.kill('SIGTERM'));
        res.on('close', () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        });

        const onData = (chunk: Buffer) => {
          header = Buffer.concat([header, chunk]);
          const end = headerEnd(header);
          if (end === null) {
            if (header.length > MAX_CGI_HEADER) {
              child.kill('SIGTERM');
              if (!res.headersSent) sendError(res, 502, 'git_backend_failed', 'The git backend answered nonsense.');
            }
            return;
          }
          headerDone = true;
          child.stdout.off('data', onData);
          const { status, headers } = parseCgiHeaders(header.subarray(0, end.at).toString('latin1'));
          res.writeHead(status, headers);
          res.write(header.subarray(end.at + end.length));
          child.stdout.pipe(res, { end: false });
        };
        child.stdout.on('data', onData);
        child.on('close', (code, signal) => {
          if (!headerDone) {
            if (!res.headersSent) {
              log.error('git http-backend ended without an answer', { code, signal, stderr: stderr.slice(0, 500) });
              sendError(res, 500, 'git_backend_failed', 'The git backend failed to answer.');
            }
            finish();
            return;
          }
          if (code !== 0) {
            log.info('git http-backend exited with an error', { code, signal, stderr: stderr.slice(0, 500) });
          }
          void endAfterGit();
        });
      });
    },

    /** Ends every backend process (shutdown after the grace period). */
    killAll(): void {
      for (const c of running) c.kill('SIGTERM');
    },
  };
}

function headerEnd(buf: Buffer): { at: number; length: number } | null {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, length: 4 };
  if (lf >= 0) return { at: lf, length: 2 };
  return null;
}

function parseCgiHeaders(text: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers };
}
