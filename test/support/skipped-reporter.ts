import { relative } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

/**
 * At the end of a run, every skipped test by the reason it was skipped: a suite's `skipReason` (see `needs` and
 * `runIf` in servers.ts), or the note of a `context.skip(note)`. A skipped test that gave neither is listed under its
 * file, so none goes unmentioned.
 */
export default class SkippedReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const byReason = new Map<string, { tests: number; files: Set<string> }>();
    for (const module of modules) {
      const file = relative(process.cwd(), module.moduleId);
      for (const test of module.children.allTests('skipped')) {
        if (test.options.mode === 'todo') continue;
        const reason = reasonOf(test) ?? 'skipped without a reason given';
        const entry = byReason.get(reason) ?? { tests: 0, files: new Set<string>() };
        entry.tests += 1;
        entry.files.add(file);
        byReason.set(reason, entry);
      }
    }
    if (byReason.size === 0) {
      console.log('\nNo test was skipped.');
      return;
    }
    const total = [...byReason.values()].reduce((sum, entry) => sum + entry.tests, 0);
    console.log(`\nSKIPPED — ${total} test${total === 1 ? '' : 's'}, for ${byReason.size} reason(s):`);
    for (const [reason, { tests, files }] of [...byReason].sort((a, b) => b[1].tests - a[1].tests)) {
      console.log(`  ${reason}: ${tests} test${tests === 1 ? '' : 's'} in ${[...files].sort().join(', ')}`);
    }
  }
}

function reasonOf(test: TestCase): string | undefined {
  const result = test.result();
  if (result.state === 'skipped' && result.note) return result.note;
  return test.meta().skipReason;
}
