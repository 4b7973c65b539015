import type { Reporter, TestModule } from 'vitest/node';

/** Prints "N passed, N failed" as the very last line, the count CI reads. */
export default class CountReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // A file that failed to load counts as a failure even with no tests inside.
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed++;
    }
    setTimeout(() => {
      process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
    }, 0);
  }
}
