// Prints one closing line, "N passed, N failed, N skipped", summed over the jest-junit
// reports of every tier, so CI's log says how many tests ran.
const fs = require('fs');
const path = require('path');

const dir = process.argv[2] || 'test-reports';
let tests = 0; let failures = 0; let errors = 0; let skipped = 0;
for (const file of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  if (!file.endsWith('.xml')) continue;
  const xml = fs.readFileSync(path.join(dir, file), 'utf8');
  const root = xml.match(/<testsuites\b[^>]*>/);
  if (!root) continue;
  const attr = (name) => Number((root[0].match(new RegExp(`\\b${name}="(\\d+)"`)) || [])[1] || 0);
  tests += attr('tests'); failures += attr('failures'); errors += attr('errors');
  // jest-junit counts skipped tests per suite only.
  for (const suite of xml.matchAll(/<testsuite\b[^>]*\bskipped="(\d+)"/g)) skipped += Number(suite[1]);
}
const failed = failures + errors;
console.log(`${tests - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
process.exit(tests === 0 || failed > 0 ? 1 : 0);
