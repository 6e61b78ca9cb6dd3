/**
 * A repository's refs read from its files, without git: loose refs (`<gitdir>/refs/...`, `HEAD`),
 * `packed-refs`, and symbolic refs (`ref: refs/heads/main`) followed to the object id.
 * Formats: gitrepository-layout(5) and git-pack-refs(1). Read on every call (refs are small and
 * change under us: a fetch, a commit), unlike objects, which never change.
 *
 *   const refs = new GitRefs(files, '/repo/.git');
 *   await refs.resolve('HEAD');               // '3f1c…' or null (unborn, or no such ref)
 *   await refs.symbolicTarget('HEAD');        // 'refs/heads/main'
 *   await refs.names('refs/heads/');          // ['refs/heads/feature/x', 'refs/heads/main']
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

/** A loose ref file's content: an object id or `ref: <name>` (with its newline). */
function isRefContent(bytes: Uint8Array): boolean {
  const text = new TextDecoder().decode(bytes).trim();
  return OID.test(text) || text.startsWith('ref:');
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

  /**
   * Full names of the refs under `prefix` (`refs/`, `refs/heads/`, `refs/remotes/origin/`), loose
   * and packed, each once, sorted (by UTF-16 code units: git's byte order for every name short
   * of characters beyond U+FFFF). As `git show-ref` lists them, a loose file that holds neither
   * an object id nor `ref: …` is not a ref; symbolic refs are listed (`refs/remotes/origin/HEAD`).
   */
  async names(prefix: string): Promise<string[]> {
    if (!prefix.startsWith('refs/')) return [];
    const found = new Set<string>();
    for (const name of (await this.packedRefs()).keys()) if (name.startsWith(prefix)) found.add(name);
    const folder = prefix.slice(0, prefix.lastIndexOf('/'));
    const walk = async (dir: string): Promise<void> => {
      const entries = await this.files.list(`${this.gitdir}/${dir}`);
      await Promise.all(
        entries.map(async (entry) => {
          const ref = `${dir}/${entry}`;
          const bytes = await this.files.read(`${this.gitdir}/${ref}`);
          // Not a file: a folder (or a ref removed meanwhile, which lists nothing).
          if (bytes === null) await walk(ref);
          else if (ref.startsWith(prefix) && isRefContent(bytes)) found.add(ref);
        }),
      );
    };
    await walk(folder);
    return [...found].sort();
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
