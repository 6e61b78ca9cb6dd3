/**
 * Syntax highlighting with highlight.js, loaded on first use with only the grammar the file
 * needs (the full bundle is ~300 KB; core plus one language is a few KB).
 */
import { extensionOf } from './pick-viewer.ts';

type Loader = () => Promise<{ default: unknown }>;

const LANGUAGES: Record<string, [string, Loader]> = {
  py: ['python', () => import('highlight.js/lib/languages/python')],
  ipynb: ['json', () => import('highlight.js/lib/languages/json')],
  js: ['javascript', () => import('highlight.js/lib/languages/javascript')],
  mjs: ['javascript', () => import('highlight.js/lib/languages/javascript')],
  ts: ['typescript', () => import('highlight.js/lib/languages/typescript')],
  tsx: ['typescript', () => import('highlight.js/lib/languages/typescript')],
  json: ['json', () => import('highlight.js/lib/languages/json')],
  yaml: ['yaml', () => import('highlight.js/lib/languages/yaml')],
  yml: ['yaml', () => import('highlight.js/lib/languages/yaml')],
  dvc: ['yaml', () => import('highlight.js/lib/languages/yaml')],
  lock: ['yaml', () => import('highlight.js/lib/languages/yaml')],
  md: ['markdown', () => import('highlight.js/lib/languages/markdown')],
  sh: ['bash', () => import('highlight.js/lib/languages/bash')],
  bash: ['bash', () => import('highlight.js/lib/languages/bash')],
  toml: ['ini', () => import('highlight.js/lib/languages/ini')],
  ini: ['ini', () => import('highlight.js/lib/languages/ini')],
  cfg: ['ini', () => import('highlight.js/lib/languages/ini')],
  xml: ['xml', () => import('highlight.js/lib/languages/xml')],
  html: ['xml', () => import('highlight.js/lib/languages/xml')],
  css: ['css', () => import('highlight.js/lib/languages/css')],
  sql: ['sql', () => import('highlight.js/lib/languages/sql')],
  r: ['r', () => import('highlight.js/lib/languages/r')],
  jl: ['julia', () => import('highlight.js/lib/languages/julia')],
  c: ['c', () => import('highlight.js/lib/languages/c')],
  h: ['c', () => import('highlight.js/lib/languages/c')],
  cpp: ['cpp', () => import('highlight.js/lib/languages/cpp')],
  rs: ['rust', () => import('highlight.js/lib/languages/rust')],
  go: ['go', () => import('highlight.js/lib/languages/go')],
  java: ['java', () => import('highlight.js/lib/languages/java')],
};

const BY_NAME: Record<string, string> = {
  Dockerfile: 'dockerfile',
  Makefile: 'makefile',
  '.gitignore': 'bash',
  '.dvcignore': 'bash',
};
const NAMED: Record<string, Loader> = {
  dockerfile: () => import('highlight.js/lib/languages/dockerfile'),
  makefile: () => import('highlight.js/lib/languages/makefile'),
  bash: () => import('highlight.js/lib/languages/bash'),
};

/** The highlight.js language for a file name, or null for plain text. */
export function languageOf(name: string): string | null {
  return BY_NAME[name] ?? LANGUAGES[extensionOf(name)]?.[0] ?? null;
}

/** Highlighted HTML (escaped by highlight.js) for `code`, or null when no grammar fits. */
export async function highlightCode(code: string, name: string, language = languageOf(name)): Promise<string | null> {
  if (!language) return null;
  const loader = NAMED[language] ?? Object.values(LANGUAGES).find(([l]) => l === language)?.[1];
  if (!loader) return null;
  const [{ default: hljs }, grammar] = await Promise.all([import('highlight.js/lib/core'), loader()]);
  if (!hljs.getLanguage(language)) hljs.registerLanguage(language, grammar.default as never);
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}
