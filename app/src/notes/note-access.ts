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

const VISITOR: NoteAccess = {
  token: null,
  user: null,
  canWrite: false,
  readOnlyReason: 'You are reading as a visitor: sign in (Account) to write in this note.',
};

function accessOf(token: string, username: string, repo: string, permission: string | null): NoteAccess {
  const canWrite = permission === 'write' || permission === 'admin';
  return {
    token,
    user: noteUser(username),
    canWrite,
    readOnlyReason: canWrite
      ? null
      : `You have read access to ${repo}: you see this note live but cannot change it. Ask an admin of the repository for write access.`,
  };
}

function rememberedPermission(server: string, repo: string): string | null | undefined {
  try {
    const raw = localStorage.getItem(cacheKey(server, repo));
    return raw === null ? undefined : (JSON.parse(raw) as string | null);
  } catch {
    return undefined;
  }
}

/**
 * Access from this device alone (no request): the signed-in account and the permission last
 * heard from the server, so a note opens from the device at once. `known` is false when the
 * server was never asked for this repository: then it is read-only until makeNoteAccess answers.
 */
export async function cachedNoteAccess(server: string, repo: string): Promise<NoteAccess & { known: boolean }> {
  const credentials = await getCredentials(server).catch(() => null);
  if (!credentials) return { ...VISITOR, known: true };
  const permission = rememberedPermission(server, repo);
  const access = accessOf(credentials.token, credentials.username, repo, permission ?? null);
  return permission === undefined ? { ...access, readOnlyReason: null, known: false } : { ...access, known: true };
}

export async function makeNoteAccess(server: string, repo: string): Promise<NoteAccess> {
  const credentials = await getCredentials(server).catch(() => null);
  if (!credentials) return VISITOR;
  let permission: string | null | undefined;
  try {
    const body = await apiFetch<{ permission?: string | null }>(server, `/repos/${repo}`);
    permission = body?.permission ?? null;
    localStorage.setItem(cacheKey(server, repo), JSON.stringify(permission));
  } catch {
    // Offline (or the server is away): trust what was last known; a first visit offline may write
    // locally and the server decides when the note syncs.
    permission = rememberedPermission(server, repo) ?? 'write';
  }
  return accessOf(credentials.token, credentials.username, repo, permission);
}
