import fc from 'fast-check';
import { Marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { cairnRefs, type ValueLookup, type ValueRef } from './cairn-links.ts';

const lookup: ValueLookup = (ref) =>
  ref.run === 'abc' && ref.key === 'val_iou'
    ? { text: '0.7123' }
    : ref.run === 'abc' && ref.key === 'lr'
      ? { text: '3e-4' }
      : { missing: `no ${ref.field === 'metrics' ? 'metric' : 'param'} ${ref.key} on run ${ref.run}` };

const render = (md: string, values?: ValueLookup) =>
  new Marked({ gfm: true, async: false }, cairnRefs('ada/seg', values)).parse(md) as string;
const plain = (md: string) => new Marked({ gfm: true, async: false }).parse(md) as string;
const inline = (md: string, values?: ValueLookup) => render(md, values).replace(/^<p>|<\/p>\n$/g, '');

describe('cairn links in notes', () => {
  it('links run ids, commit ids and path@ref to their pages', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    expect(inline('compare with run:9f3a2b')).toBe(
      'compare with <a href="/ada/seg/experiments/runs/9f3a2b">run:9f3a2b</a>',
    );
    expect(inline(`fixed in ${sha}.`)).toBe(`fixed in <a href="/ada/seg/commit/${sha}">${sha}</a>.`);
    expect(inline('commit:ABCDEF1 broke it')).toBe('<a href="/ada/seg/commit/abcdef1">commit:ABCDEF1</a> broke it');
    expect(inline('see src/train.py@main')).toBe('see <a href="/ada/seg/blob/main/src/train.py">src/train.py@main</a>');
    expect(inline('params.yaml@v1.2')).toBe('<a href="/ada/seg/blob/v1.2/params.yaml">params.yaml@v1.2</a>');
    expect(inline('(see run:r1)')).toBe('(see <a href="/ada/seg/experiments/runs/r1">run:r1</a>)');
    expect(inline('- **run:r1** won')).toContain('<strong><a href="/ada/seg/experiments/runs/r1">run:r1</a></strong>');
  });

  it('leaves code, e-mail addresses, link texts and targets and ordinary words alone', () => {
    const text =
      'mail ada@example.com\n`run:abc` inline\n```\nrun:abc\n```\nrunning: fine, xrun:abc\n[train](src/train.py@main) [run:abc](https://x.org)';
    expect(render(text, lookup)).toBe(plain(text));
    // A code span may run over two lines of a paragraph; a ``` inside a ~~~ block does not close it.
    const tricky = 'a `` run:abc\nrun:abc/metrics.val_iou `` b\n\n~~~\n```\nrun:abc\n~~~\n\n    run:abc';
    expect(render(tricky, lookup)).toBe(plain(tricky));
  });

  it('shows a metric or param as its value, linked to the run', () => {
    expect(inline('IoU reached run:abc/metrics.val_iou.', lookup)).toBe(
      'IoU reached <a class="cairn-value" href="/ada/seg/experiments/runs/abc" title="metric val_iou of run abc" data-ref="run:abc/metrics.val_iou">0.7123</a>.',
    );
    expect(inline('lr run:abc/params.lr', lookup)).toContain('>3e-4</a>');
    expect(render('| run | IoU |\n|---|---|\n| abc | run:abc/metrics.val_iou |', lookup)).toContain('>0.7123</a></td>');
  });

  it('says so when the run or the metric is unknown, and shows the reference while values are read', () => {
    expect(inline('run:abc/metrics.train/loss', lookup)).toBe(
      '<a class="cairn-value missing" href="/ada/seg/experiments/runs/abc" title="metric train/loss of run abc" data-ref="run:abc/metrics.train/loss">no metric train/loss on run abc</a>',
    );
    expect(inline('run:zz/params.lr', () => null)).toBe(
      '<a class="cairn-value pending" href="/ada/seg/experiments/runs/zz" title="param lr of run zz" data-ref="run:zz/params.lr">run:zz/params.lr</a>',
    );
    expect(inline('run:zz/params.lr')).toContain('class="cairn-value pending"');
  });

  it('escapes values, so a param cannot inject markup', () => {
    expect(inline('run:abc/params.x', () => ({ text: '<img src=x onerror=alert(1)>' }))).toContain(
      '>&lt;img src=x onerror=alert(1)&gt;</a>',
    );
  });

  it('asks for the values a note shows, and not for those in code', () => {
    const asked: ValueRef[] = [];
    render('run:a/metrics.acc and run:b/params.lr\n`run:c/metrics.x`\n```\nrun:d/metrics.y\n```', (ref) => {
      asked.push(ref);
      return null;
    });
    expect(asked).toEqual([
      { run: 'a', field: 'metrics', key: 'acc' },
      { run: 'b', field: 'params', key: 'lr' },
    ]);
  });
});

/** Every `<code>` element's text in rendered HTML: what a reader sees as code. */
const codeTexts = (html: string) => [...html.matchAll(/<code[^>]*>([\s\S]*?)<\/code>/g)].map((m) => m[1]);

describe('cairn links fuzzed', () => {
  // Notes as people write them: paragraphs, headings, lists, quotes, code spans (single and
  // double backticks, some over two lines) and fenced or indented code, all full of references.
  const ref = fc.constantFrom(
    'run:abc',
    'run:abc/metrics.val_iou',
    'run:zz/params.lr',
    'commit:abcdef1',
    '0123456789abcdef0123456789abcdef01234567',
    'src/a.py@main',
  );
  const word = fc.constantFrom('IoU', 'rose', 'to', '(see', 'it)', 'x.', 'a_b', '*', '_', '[', ']', '\\', '<b>');
  const inline = fc.oneof(
    ref,
    word,
    fc.array(fc.oneof(ref, word), { maxLength: 4 }).map((ws) => `\`${ws.join(' ')}\``),
    fc.array(fc.oneof(ref, word), { maxLength: 4 }).map((ws) => `\`\`${ws.join('\n')}\`\``),
    fc.constantFrom('`', '``'),
  );
  const lineOf = fc.array(inline, { minLength: 1, maxLength: 6 }).map((ws) => ws.join(' '));
  const block = fc.oneof(
    fc.array(lineOf, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('\n')),
    fc
      .tuple(
        fc.constantFrom('```', '````', '~~~', '```python'),
        fc.array(fc.oneof(lineOf, fc.constantFrom('~~~', '```')), { maxLength: 3 }),
      )
      .map(([f, ls]) => `${f}\n${ls.join('\n')}\n${f.replace(/[a-z]+$/, '')}`),
    lineOf.map((l) => `    ${l}`),
    lineOf.map((l) => `## ${l}`),
    lineOf.map((l) => `- ${l}`),
    lineOf.map((l) => `> ${l}`),
  );
  const note = fc.array(block, { maxLength: 6 }).map((bs) => bs.join('\n\n'));

  it('never changes code, whatever the note', () => {
    fc.assert(
      fc.property(note, (md) => {
        expect(codeTexts(render(md, lookup))).toEqual(codeTexts(plain(md)));
      }),
      { numRuns: 1000 },
    );
  }, 60_000);

  it('never throws, on any text at all', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (md) => {
        render(md, lookup);
      }),
      { numRuns: 2000 },
    );
  }, 60_000);
});
