import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends every run with one plain line, `N passed, N failed, N skipped`, that tools reading the
 * log (CI included) can find without knowing Vitest's own format. Before it, one line per layer
 * (unit, app, integration, e2e), so a log shows which layers really ran — an e2e layer that was
 * skipped for want of Chromium shows there as skipped, not passed.
 */
export default class SummaryLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const layers = new Map<string, { passed: number; failed: number; skipped: number }>();
    const total = { passed: 0, failed: 0, skipped: 0 };
    for (const mod of testModules) {
      const name = mod.project.name || 'tests';
      const layer = layers.get(name) ?? { passed: 0, failed: 0, skipped: 0 };
      layers.set(name, layer);
      const count = (key: 'passed' | 'failed' | 'skipped') => {
        layer[key]++;
        total[key]++;
      };
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) count('failed');
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        count(state === 'passed' ? 'passed' : state === 'failed' ? 'failed' : 'skipped');
      }
    }
    total.failed += unhandledErrors.length;
    const perLayer = [...layers].map(
      ([name, n]) => `layer ${name} — ${n.passed} passed / ${n.failed} failed / ${n.skipped} skipped`,
    );
    process.stdout.write(
      `\n${perLayer.join('\n')}\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`,
    );
  }
}
