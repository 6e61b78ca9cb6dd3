// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderMarkdown, sanitizeHtml } from './render-markdown.ts';

describe('renderMarkdown', () => {
  it('renders GitHub-flavoured Markdown', async () => {
    const html = await renderMarkdown('# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n');
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<td>1</td>');
    expect(html).toContain('type="checkbox"');
  });

  it('removes scripts, event handlers and javascript: links', async () => {
    const html = await renderMarkdown(
      'hi <script>alert(1)</script> <img src="x.png" onerror="alert(2)"> [x](javascript:alert(3)) <iframe src="https://e.vil"></iframe>',
    );
    expect(html).not.toMatch(/<script|onerror|javascript:|<iframe/i);
    expect(html).toContain('<img src="x.png">');
  });

  it('opens outside links in a new tab without an opener', async () => {
    expect(await renderMarkdown('[site](https://example.org)')).toContain('rel="noopener noreferrer"');
  });

  it('sanitises raw HTML', async () => {
    expect(await sanitizeHtml('<b onclick="x()">ok</b><svg><script>1</script></svg>')).toBe('<b>ok</b><svg></svg>');
  });
});
