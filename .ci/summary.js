// Prints one closing line, "N passed, N failed, N skipped", summed over the JUnit reports of
// every tier (jest-junit for the fast and e2e tiers, Node's junit reporter for controller/,
// test/go/run.sh's own for the Go binding), so CI's log says how many tests ran. Counts
// <testcase> elements, which all formats write.
// Each tier must have written its report and run at least one test: a tier that silently ran
// nothing (a broken glob, a skipped step) fails CI instead of hiding behind the others.
const fs = require('fs');
const path = require('path');

const dir = process.argv[2] || 'test-reports';
const TIERS = {
  'junit.xml': 'fast tier (jest)',
  'controller-junit.xml': 'controller and CLI (node --test)',
  'junit-go.xml': 'Go binding (test/go)',
  'junit-e2e.xml': 'real control plane (test/e2e)',
};

let tests = 0; let failed = 0; let skipped = 0;
const problems = [];
for (const [file, tier] of Object.entries(TIERS)) {
  const report = path.join(dir, file);
  if (!fs.existsSync(report)) {
    problems.push(`${tier}: no report at ${report}`);
    continue;
  }
  const xml = fs.readFileSync(report, 'utf8');
  let tierTests = 0;
  // A testcase is either self-closing or has a body that may hold <failure>, <error> or <skipped>.
  for (const match of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    tierTests++;
    const body = match[2] || '';
    if (/<(failure|error)\b/.test(body)) failed++;
    else if (/<skipped\b/.test(body)) skipped++;
  }
  if (tierTests === 0) problems.push(`${tier}: ran no test (${report})`);
  console.log(`${tier}: ${tierTests} tests`);
  tests += tierTests;
}
for (const p of problems) console.error(`error: ${p}`);
console.log(`${tests - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
process.exit(problems.length > 0 || failed > 0 ? 1 : 0);
