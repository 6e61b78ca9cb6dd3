/**
 * Markdown to safe HTML: marked renders, DOMPurify removes scripts, event handlers and
 * `javascript:` links. Both libraries are loaded on first use, so they never weigh on pages
 * without Markdown.
 */

import type { MarkedExtension } from 'marked';

let loaded: Promise<{
  toHtml: (md: string, extensions: MarkedExtension[]) => string;
  sanitize: (html: string) => string;
}> | null = null;

function load() {
  loaded ??= Promise.all([import('marked'), import('dompurify')]).then(([{ Marked }, purify]) => {
    const marked = new Marked({ gfm: true, breaks: false, async: false });
    const DOMPurify = purify.default;
    // Links in rendered files open outside the app, without handing it a window reference.
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A' && node.getAttribute('href')?.match(/^https?:/)) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    });
    return {
      // Extensions (a note's Cairn links) get an instance of their own: `use` would change the shared one.
      toHtml: (md: string, extensions: MarkedExtension[]) =>
        (extensions.length
          ? new Marked({ gfm: true, breaks: false, async: false }, ...extensions).parse(md)
          : marked.parse(md)) as string,
      // Styles are dropped: a notebook's `<style>` would restyle the whole app.
      sanitize: (html: string) =>
        DOMPurify.sanitize(html, { USE_PROFILES: { html: true, svg: true }, FORBID_TAGS: ['style'] }) as string,
    };
  });
  return loaded;
}

/** Sanitised HTML for untrusted HTML (notebook outputs shown inline, rendered Markdown). */
export async function sanitizeHtml(html: string): Promise<string> {
  return (await load()).sanitize(html);
}

/**
 * @example await renderMarkdown('# Title\n<script>alert(1)</script>') // '<h1>Title</h1>\n'
 */
export async function renderMarkdown(markdown: string): Promise<string> {
  const lib = await load();
  return lib.sanitize(lib.toHtml(markdown, []));
}

/** The same with marked extensions for this text (a note's Cairn links, notes/cairn-links.ts). */
export async function renderMarkdownWith(markdown: string, extensions: MarkedExtension[]): Promise<string> {
  const lib = await load();
  return lib.sanitize(lib.toHtml(markdown, extensions));
}
