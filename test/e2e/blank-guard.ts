/**
 * Fails an e2e test in which a page blanked and came back (test/support/chromium.ts watches every
 * page of every browser the tests launch; docs/ARCHITECTURE.md, "Loading without blanking the
 * page", says how the app avoids it). A blank reported after its test ended fails the file once
 * its own clean-up has run (these hooks are registered first, so this afterAll runs last).
 */
import { afterAll, afterEach } from 'vitest';
import { blankMode, takeBlanks } from '../support/chromium.ts';

function check(when: string): void {
  const blanks = takeBlanks();
  if (blanks.length === 0) return;
  const what = `the page blanked and came back ${blanks.length} time(s) ${when}:\n${blanks.join('\n')}`;
  if (blankMode() === 'fail') throw new Error(what);
  console.warn(what);
}

afterEach(() => check('in this test'));
afterAll(() => check('after the last test of this file'));
