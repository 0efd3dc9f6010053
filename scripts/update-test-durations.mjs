// Writes tests/integration/durations.json from the last run's build/test-results.json:
// each integration file's wall time in seconds, which the longest-first
// sequencer (tests/integration/longest-first.ts) uses to pack files onto the
// workers on a clean clone, where vitest has no cache of its own. A run of some
// files updates theirs and keeps the others' (a partial run would otherwise
// forget every file it did not run); files no longer in the repo are dropped.
// Usage: node scripts/update-test-durations.mjs [results.json]
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = JSON.parse(await readFile(process.argv[2] ?? path.join(root, 'build/test-results.json'), 'utf8'));
const recordFile = path.join(root, 'tests/integration/durations.json');
const previous = existsSync(recordFile) ? JSON.parse(await readFile(recordFile, 'utf8')) : {};
const durations = Object.fromEntries(Object.entries(previous).filter(([rel]) => existsSync(path.join(root, rel))));
for (const file of results.testResults) {
  const rel = file.name.slice(file.name.indexOf('tests/integration/'));
  if (!rel.startsWith('tests/integration/')) continue;
  durations[rel] = Math.round((file.endTime - file.startTime) / 1000);
}
const sorted = Object.fromEntries(Object.entries(durations).sort(([a], [b]) => a.localeCompare(b)));
await writeFile(recordFile, `${JSON.stringify(sorted, null, 1)}\n`);
console.log(`${Object.keys(sorted).length} integration files`);
