import { execFileSync } from 'node:child_process';
/**
 * Whether tests needing a real engine (Chromium, radosgw, PostgreSQL) can run here. Without the
 * engine they are skipped with one clear line, printed once; when CI's variable (`requireVar`=1)
 * says the engine must be there, its absence is a failure instead of a skip.
 */
export function engineGate(requireVar: string, missingMessage: string, installed: () => boolean): () => boolean {
  let noted = false;
  return () => {
    if (installed()) return true;
    if (process.env[requireVar] === '1') throw new Error(`${requireVar}=1 but ${missingMessage}`);
    if (!noted) console.warn(missingMessage);
    noted = true;
    return false;
  };
}

/** True when a shell test (e.g. `command -v haproxy`) succeeds: "is this engine installed". */
export function shellCheckPasses(script: string): boolean {
  try {
    execFileSync('sh', ['-c', script], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
