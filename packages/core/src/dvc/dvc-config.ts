/**
 * `.dvc/config` and `.dvc/config.local` (configobj INI as DVC writes it): sections such as
 * `[core]`, `['remote "storage"']` (or `[remote "storage"]`), indented `key = value` lines.
 * `config.local` (git-ignored, holds credentials) overrides the shared file key by key.
 */
import { fail, ok, type Result } from '../errors/result.ts';
import { setOwn } from './schema-error.ts';

export interface DvcConfig {
  /** Section name (`core`, `remote "storage"`, `cache`) → key → value, in file order. */
  sections: Record<string, Record<string, string>>;
}

export interface DvcRemoteConfig {
  name: string;
  url: string;
  /** Every other option of the remote (`auth`, `user`, `password`, `method`, `ssl_verify`…). */
  options: Record<string, string>;
}

const MAX_CONFIG_CHARS = 1024 * 1024;

/** Removes one pair of matching quotes around a whole string. */
function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && (t[0] === "'" || t[0] === '"') && t[t.length - 1] === t[0]) return t.slice(1, -1);
  return t;
}

/**
 * Parses a DVC config file.
 * @example parseDvcConfig("[core]\n    remote = origin\n['remote \"origin\"']\n    url = https://x/y.dvc\n")
 */
export function parseDvcConfig(text: string, file = '.dvc/config'): Result<DvcConfig> {
  if (text.length > MAX_CONFIG_CHARS)
    return fail({ code: 'too_large', message: 'The config file is larger than 1 MiB.', file });
  const config: DvcConfig = { sections: {} };
  let current: Record<string, string> | null = null;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const where = { file, line: i + 1, column: lines[i]!.indexOf(line) + 1 };
    if (line.startsWith('[')) {
      const m = /^\[\s*(.+?)\s*\]\s*(?:[#;].*)?$/.exec(line);
      if (!m || m[1]!.startsWith('[')) {
        return fail({
          code: 'ini_syntax',
          message: `'${line}' is not a section header like [core] or ['remote "name"'].`,
          ...where,
        });
      }
      const name = unquote(m[1]!);
      current = config.sections[name] ?? {};
      setOwn(config.sections, name, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) return fail({ code: 'ini_syntax', message: `expected 'key = value', found '${line}'.`, ...where });
    if (current === null) {
      return fail({ code: 'ini_syntax', message: `'${line}' comes before any [section] header.`, ...where });
    }
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (value.startsWith("'") || value.startsWith('"'))
      value = unquote(value.replace(/\s+#.*$/, (c) => (unquote(value) === value ? c : '')));
    else value = value.replace(/\s+#.*$/, '');
    setOwn(current, key, value);
  }
  return ok(config);
}

/** `config.local` over `config`, key by key (what DVC reads at the repo level). */
export function mergeDvcConfig(base: DvcConfig, local?: DvcConfig): DvcConfig {
  const sections: Record<string, Record<string, string>> = {};
  for (const [name, values] of Object.entries(base.sections)) setOwn(sections, name, { ...values });
  for (const [name, values] of Object.entries(local?.sections ?? {}))
    setOwn(sections, name, { ...(sections[name] ?? {}), ...values });
  return { sections };
}

/** The remote named `name`, or `core.remote` when no name is given; null when there is none. */
export function remoteOf(config: DvcConfig, name?: string): DvcRemoteConfig | null {
  const chosen = name ?? config.sections.core?.remote;
  if (chosen === undefined) return null;
  const section = config.sections[`remote "${chosen}"`];
  if (!section || typeof section.url !== 'string') return null;
  const { url, ...options } = section;
  return { name: chosen, url, options };
}

/** Names of every remote defined, in file order. */
export function remoteNames(config: DvcConfig): string[] {
  return Object.keys(config.sections)
    .map((s) => /^remote "(.*)"$/.exec(s)?.[1])
    .filter((n): n is string => n !== undefined);
}

/** Writes the config the way DVC does: `['remote "x"']` headers, 4-space indented keys. */
export function serializeDvcConfig(config: DvcConfig): string {
  const out: string[] = [];
  for (const [name, values] of Object.entries(config.sections)) {
    out.push(name.includes(' ') ? `['${name}']` : `[${name}]`);
    for (const [k, v] of Object.entries(values)) out.push(`    ${k} = ${v}`);
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}
