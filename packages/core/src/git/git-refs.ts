/**
 * A repository's refs read from its files, without git: loose refs (`<gitdir>/refs/...`, `HEAD`),
 * `packed-refs`, and symbolic refs (`ref: refs/heads/main`) followed to the object id.
 * Formats: gitrepository-layout(5) and git-pack-refs(1). Read on every call (refs are small and
 * change under us: a fetch, a commit), unlike objects, which never change.
 *
 *   const refs = new GitRefs(files, '/repo/.git');
 *   await refs.resolve('HEAD');               // '3f1c…' or null (unborn, or no such ref)
 *   await refs.symbolicTarget('HEAD');        // 'refs/heads/main'
 */
import type { GitObjectFiles } from './git-objects.ts';

/** Symbolic refs nest at most this deep (git's own limit is 5). */
const MAX_SYMREF_DEPTH = 5;
const OID = /^[0-9a-f]{40}$/;

/** A ref name we will look up as a file: no `..`, no empty or dot segments, no backslashes. */
function isSafeRefName(ref: string): boolean {
  if (ref === 'HEAD') return true;
  if (!ref.startsWith('refs/') || ref.includes('\\') || ref.includes('\0')) return false;
  return ref.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

export class GitRefs {
  constructor(
    private readonly files: GitObjectFiles,
    private readonly gitdir: string,
  ) {}

  /** `packed-refs` as ref name → object id (peeled `^` lines are skipped: tags are peeled by reading them). */
  async packedRefs(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const bytes = await this.files.read(`${this.gitdir}/packed-refs`);
    if (!bytes) return out;
    for (const line of new TextDecoder().decode(bytes).split('\n')) {
      if (line === '' || line.startsWith('#') || line.startsWith('^')) continue;
      const sp = line.indexOf(' ');
      const oid = line.slice(0, sp);
      if (sp === 40 && OID.test(oid)) out.set(line.slice(sp + 1).trim(), oid);
    }
    return out;
  }

  /** The ref's own content: an object id, `ref: <name>` as { symbolic }, or null when there is none. */
  private async readOne(
    ref: string,
    packed: () => Promise<Map<string, string>>,
  ): Promise<{ oid: string } | { symbolic: string } | null> {
    if (!isSafeRefName(ref)) return null;
    const loose = await this.files.read(`${this.gitdir}/${ref}`);
    if (loose) {
      const text = new TextDecoder().decode(loose).trim();
      if (text.startsWith('ref:')) return { symbolic: text.slice(4).trim() };
      return OID.test(text) ? { oid: text } : null;
    }
    const oid = (await packed()).get(ref);
    return oid ? { oid } : null;
  }

  /** The object id a full ref name (or `HEAD`) points at, following symbolic refs; null when unborn or absent. */
  async resolve(ref: string): Promise<string | null> {
    let packed: Promise<Map<string, string>> | null = null;
    const loadPacked = () => {
      packed ??= this.packedRefs();
      return packed;
    };
    let name = ref;
    for (let depth = 0; depth <= MAX_SYMREF_DEPTH; depth++) {
      const found = await this.readOne(name, loadPacked);
      if (!found) return null;
      if ('oid' in found) return found.oid;
      name = found.symbolic;
    }
    return null;
  }

  /** The ref a symbolic ref names (`HEAD` → `refs/heads/main`), or null when it is detached or absent. */
  async symbolicTarget(ref: string): Promise<string | null> {
    const found = await this.readOne(ref, () => Promise.resolve(new Map()));
    return found && 'symbolic' in found ? found.symbolic : null;
  }
}
