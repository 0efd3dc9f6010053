/**
 * Runs the integration files longest first, by the wall times recorded in
 * durations.json (scripts/update-test-durations.mjs), so the two workers
 * finish together: vitest orders by its own cache of past durations, which a
 * clean clone (CI) does not have. Unit files keep vitest's order; files not
 * in the record go first, since nothing is known of them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const recorded = JSON.parse(readFileSync(new URL('./durations.json', import.meta.url), 'utf8')) as Record<string, number>;
const weight = (spec: TestSpecification): number => {
  const rel = path.relative(spec.project.config.root, spec.moduleId).split(path.sep).join('/');
  return recorded[rel] ?? Number.POSITIVE_INFINITY;
};

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const integration = sorted.filter((s) => s.project.name === 'integration').sort((a, b) => weight(b) - weight(a));
    return [...sorted.filter((s) => s.project.name !== 'integration'), ...integration];
  }
}
