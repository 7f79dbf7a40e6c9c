// Prints the plain closing line CI reads, "N passed, N failed", from one or
// more vitest JSON reports (one per Node version), summed; each report's own
// figures go first, on lines of their own.
// Usage: node .ci/summarize.mjs [label=]report.json …
import { existsSync, readFileSync } from 'node:fs';

/** One report's counts; a missing report is a run that did not complete: one failure. */
function count(label, path) {
  if (!existsSync(path)) {
    console.error(`${label}: no test report at ${path}: the test run did not complete`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  const report = JSON.parse(readFileSync(path, 'utf8'));
  // A test file that failed to load has no failed test in it: count it as one failure.
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
  ).length;
  return {
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + brokenFiles,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

const line = ({ passed, failed, skipped }) => `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;

const args = process.argv.slice(2);
if (args.length === 0) args.push('');
const counts = args.map((arg) => {
  const at = arg.indexOf('=');
  const [label, path] = at > 0 ? [arg.slice(0, at), arg.slice(at + 1)] : [arg, arg];
  const counted = count(label, path);
  if (args.length > 1) console.log(`== ${label}: ${line(counted)}`);
  return counted;
});
const total = counts.reduce((sum, c) => ({ passed: sum.passed + c.passed, failed: sum.failed + c.failed, skipped: sum.skipped + c.skipped }));
console.log(line(total));
// Every pass must have run tests and none may have failed.
process.exit(counts.every((c) => c.passed > 0) && total.failed === 0 ? 0 : 1);
