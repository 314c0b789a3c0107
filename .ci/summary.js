// Prints one closing line, "N passed, N failed, N skipped", summed over the JUnit reports of
// every tier (jest-junit for the fast and e2e tiers, Node's junit reporter for controller/),
// so CI's log says how many tests ran. Counts <testcase> elements, which both formats write.
const fs = require('fs');
const path = require('path');

const dir = process.argv[2] || 'test-reports';
let tests = 0; let failed = 0; let skipped = 0;
for (const file of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  if (!file.endsWith('.xml')) continue;
  const xml = fs.readFileSync(path.join(dir, file), 'utf8');
  // A testcase is either self-closing or has a body that may hold <failure>, <error> or <skipped>.
  for (const match of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    tests++;
    const body = match[2] || '';
    if (/<(failure|error)\b/.test(body)) failed++;
    else if (/<skipped\b/.test(body)) skipped++;
  }
}
console.log(`${tests - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
process.exit(tests === 0 || failed > 0 ? 1 : 0);
