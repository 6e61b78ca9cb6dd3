/**
 * Stands in for `vitest` when the blob-store conformance suite is bundled into a browser page:
 * `describe`/`it` collect tests to run in the page, `expect` is Vitest's own (@vitest/expect on
 * chai), so the suite's assertions mean in Chromium exactly what they mean in Node.
 */
import {
  chai,
  type ExpectStatic,
  GLOBAL_EXPECT,
  JestAsymmetricMatchers,
  JestChaiExpect,
  JestExtend,
  setState,
} from '@vitest/expect';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

export const expect = ((value: unknown, message?: string) => chai.expect(value, message)) as unknown as ExpectStatic;
Object.assign(expect, chai.expect);
setState(
  {
    assertionCalls: 0,
    isExpectingAssertions: false,
    isExpectingAssertionsError: null,
    expectedAssertionsNumber: null,
    expectedAssertionsNumberErrorGen: null,
  },
  expect as never,
);
(globalThis as Record<symbol, unknown>)[GLOBAL_EXPECT] = expect;

export interface TestOutcome {
  name: string;
  ok: boolean;
  error?: string;
}

const tests: Array<{ name: string; fn: () => unknown }> = [];
const path: string[] = [];

export function describe(name: string, fn: () => void): void {
  path.push(name);
  try {
    fn();
  } finally {
    path.pop();
  }
}

export function it(name: string, fn: () => unknown): void {
  tests.push({ name: [...path, name].join(' › '), fn });
}
export const test = it;

/** Runs every collected test in order; a failure is recorded, never thrown. */
export async function runCollected(): Promise<TestOutcome[]> {
  const out: TestOutcome[] = [];
  for (const t of tests.splice(0)) {
    try {
      await t.fn();
      out.push({ name: t.name, ok: true });
    } catch (error) {
      out.push({ name: t.name, ok: false, error: (error as Error)?.stack ?? String(error) });
    }
  }
  return out;
}
