/**
 * Prints the closing line CI reads ("N passed, N failed[, N skipped]") from Vitest's JSON report. When the
 * report is missing (type-check or lint failed before the tests ran) that counts as one failure.
 */
import fs from 'node:fs';

const [reportPath, statusText] = process.argv.slice(2);
const status = Number(statusText ?? '1');
let passed = 0;
let failed = 0;
let skipped = 0;
if (reportPath && fs.existsSync(reportPath)) {
  const r = JSON.parse(fs.readFileSync(reportPath, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numFailedTestSuites?: number;
  };
  passed = r.numPassedTests;
  failed = r.numFailedTests + (r.numFailedTests === 0 && (r.numFailedTestSuites ?? 0) > 0 ? r.numFailedTestSuites! : 0);
  skipped = r.numPendingTests + r.numTodoTests;
}
if (status !== 0 && failed === 0) failed = 1; // a non-test step (type-check, lint) failed
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
