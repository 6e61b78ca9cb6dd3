/**
 * Who is writing on this device, and whether they may write this repository's notes: the
 * account signed in to the server and the repository's `permission` from the API, remembered
 * for offline use. Signed-out visitors of public repositories and read-only collaborators read.
 */
import { apiFetch } from '../sync/api.ts';
import { getCredentials } from '../sync/credentials.ts';
import { type NoteUser, noteUser } from './user-colour.ts';

export interface NoteAccess {
  token: string | null;
  user: NoteUser | null;
  canWrite: boolean;
  /** Why the editor is read-only, in words, when it is. */
  readOnlyReason: string | null;
}

const cacheKey = (server: string, repo: string) => `cairn.notes.permission:${server}/${repo}`;

export async function makeNoteAccess(server: string, repo: string): Promise<NoteAccess> {
  const credentials = await getCredentials(server).catch(() => null);
  if (!credentials) {
    return {
      token: null,
      user: null,
      canWrite: false,
      readOnlyReason: 'You are reading as a visitor: sign in (Account) to write in this note.',
    };
  }
  let permission: string | null | undefined;
  try {
    const body = await apiFetch<{ permission?: string | null }>(server, `/repos/${repo}`);
    permission = body?.permission ?? null;
    localStorage.setItem(cacheKey(server, repo), JSON.stringify(permission));
  } catch {
    // Offline (or the server is away): trust what was last known; a first visit offline may write
    // locally and the server decides when the note syncs.
    try {
      permission = JSON.parse(localStorage.getItem(cacheKey(server, repo)) ?? '"write"') as string | null;
    } catch {
      permission = 'write';
    }
  }
  const canWrite = permission === 'write' || permission === 'admin';
  return {
    token: credentials.token,
    user: noteUser(credentials.username),
    canWrite,
    readOnlyReason: canWrite
      ? null
      : `You have read access to ${repo}: you see this note live but cannot change it. Ask an admin of the repository for write access.`,
  };
}
