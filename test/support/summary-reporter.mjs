// A node:test reporter that prints one closing line: "N passed, N failed, N skipped".
// Suites and the per-file wrappers are not counted: only tests.
export default async function* summaryReporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const data = event.data;
    if (data.details?.type === 'suite') continue;
    if (data.skip || data.todo) skipped++;
    else if (event.type === 'test:pass') passed++;
    else failed++;
  }
  yield `${passed} passed, ${failed} failed, ${skipped} skipped\n`;
}
