/**
 * Advice for the clone form from the size of a repository's history, which the server states
 * cheaply (`historyBytes` on its repository answer: its packs' and loose objects' file sizes):
 * past a few hundred MB a "Latest only" clone (the latest files now, history on demand) is
 * offered; past the tab's clone cap it is the only clone that can finish, so it is ticked.
 */
import { CLONE_LIMIT_BYTES } from '../git/http-limit.ts';
import { formatBytes } from '../storage/persistence.ts';
import { apiFetch } from '../sync/api.ts';

/** From this size of history on, "Latest only" is suggested: a full clone takes a while. */
export const LATEST_ONLY_SUGGESTED_BYTES = 256 * 1024 * 1024;

export interface CloneAdvice {
  text: string;
  /** Tick "Latest only": a full clone would stop at the cap. */
  latestOnly: boolean;
}

/** The server's size of `owner/repo`'s history, or null when it cannot say (an older server, no access). */
export async function serverHistoryBytes(server: string, owner: string, repo: string): Promise<number | null> {
  try {
    const body = await apiFetch<{ historyBytes?: unknown }>(
      server,
      `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`,
    );
    return typeof body?.historyBytes === 'number' ? body.historyBytes : null;
  } catch {
    return null;
  }
}

/** What the clone form says about a history of `bytes`; null when there is nothing to say. */
export function cloneAdvice(fullName: string, bytes: number, capBytes = CLONE_LIMIT_BYTES): CloneAdvice | null {
  if (bytes > capBytes) {
    return {
      text: `${fullName}'s history is ${formatBytes(bytes)}, more than a full clone in this tab can take (${formatBytes(capBytes)}). "Latest only" is ticked: its latest files come now; fetch its history later, or clone it with git on a computer.`,
      latestOnly: true,
    };
  }
  if (bytes >= LATEST_ONLY_SUGGESTED_BYTES) {
    return {
      text: `${fullName}'s history is ${formatBytes(bytes)}. Tick "Latest only" to get its latest files now and fetch the history later from its History page.`,
      latestOnly: false,
    };
  }
  return null;
}
