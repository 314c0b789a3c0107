/**
 * Fast tier of the corpus: generated workloads (test/support/arbitraries.ts) with a FIXED
 * fast-check seed, so every run checks the same cases and a failure reproduces.
 *
 * - valid specs synthesize, pass the Kubernetes schema (validateManifest), and every CronJob
 *   holds a concrete 5-field schedule (no `H` left);
 * - invalid specs (a valid base with exactly one defect) throw exactly the hard-coded message.
 *
 * The same domains are sent to a real kube-apiserver in test/e2e/corpus.e2e.test.ts.
 */
import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { buildWorkload, DEFECTS, parameterizedJobSpec, scheduledBatchSpec, validSpec, WorkloadSpec } from './support/arbitraries';
import { validateManifest } from './support/kube-schema';

const SEED = 20261123;
const VALID_RUNS = 200;
/** Per defect; with the defect table that is well over 100 invalid cases. */
const RUNS_PER_DEFECT = 2;

function synthSpec(spec: WorkloadSpec): any[] {
  const chart = Testing.chart();
  // Enqueue, JobRuns etc. warn without a BatchController; the corpus is about the manifests.
  chart.node.setContext('cdk8s-batch.dev/controller', 'external');
  buildWorkload(chart, spec);
  return Testing.synth(chart);
}

/** The exact message of what building or synthesizing `spec` throws, or undefined. */
function errorOf(spec: WorkloadSpec): string | undefined {
  try {
    synthSpec(spec);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('valid corpus', () => {
  test(`${VALID_RUNS} valid specs synthesize, pass the schema and emit concrete 5-field schedules`, () => {
    let cronJobs = 0;
    fc.assert(fc.property(validSpec('x'), (spec) => {
      const objects = validateManifest(synthSpec(spec));
      expect(objects.length).toBeGreaterThan(0);
      for (const cron of objects.filter((o) => o.kind === 'CronJob')) {
        cronJobs++;
        const schedule: string = cron.spec.schedule;
        const fields = schedule.split(' ');
        expect(fields).toHaveLength(5);
        // No item is an H form (no month or weekday name starts with H; THU is fine).
        expect(fields.flatMap((f) => f.split(',')).filter((item) => /^H/i.test(item))).toEqual([]);
        expect(cron.metadata.name).toMatch(new RegExp(`^${spec.name}(-[1-3])?$`));
      }
    }), { seed: SEED, numRuns: VALID_RUNS });
    expect(cronJobs).toBeGreaterThan(VALID_RUNS / 3);
  });

  test('the valid sample covers the edges of the domain', () => {
    const specs = fc.sample(validSpec('x'), { seed: SEED, numRuns: VALID_RUNS });
    const lengths = new Set(specs.map((s) => s.name.length));
    for (const n of [1, 50, 51, 52]) expect(lengths).toContain(n);
    const kinds = (pred: (s: WorkloadSpec) => boolean) => specs.filter(pred).length;
    expect(kinds((s) => s.kind === 'ParameterizedJob')).toBeGreaterThan(20);
    expect(kinds((s) => s.schedule?.factory === 'hashed')).toBeGreaterThan(10);
    expect(kinds((s) => /H/.test(s.schedule?.expression ?? ''))).toBeGreaterThan(30);
    expect(kinds((s) => (s.runs ?? []).some((r) => r.kind === 'Job'))).toBeGreaterThan(5);
    expect(kinds((s) => (s.runs ?? []).some((r) => r.kind === 'JobRun'))).toBeGreaterThan(5);
    expect(kinds((s) => s.concurrency?.policy === 'enqueue')).toBeGreaterThan(5);
    expect(kinds((s) => (s.timeZone ?? '').startsWith('UTC'))).toBeGreaterThan(5);
    expect(kinds((s) => s.config !== undefined)).toBeGreaterThan(20);
    expect(kinds((s) => (s.options ?? []).length > 0)).toBeGreaterThan(20);
    expect(kinds((s) => s.kind === 'ParallelMatrixJob')).toBeGreaterThan(20);
    expect(kinds((s) => s.kind === 'ScheduledBatch' && s.matrix !== undefined)).toBeGreaterThan(5);
    expect(kinds((s) => s.matrix?.exclude !== undefined)).toBeGreaterThan(10);
    expect(kinds((s) => (s.matrix?.include ?? []).length > 0)).toBeGreaterThan(10);
    expect(kinds((s) => s.matrix?.anySuccessful === true)).toBeGreaterThan(5);
    expect(kinds((s) => s.extraSchedules !== undefined)).toBeGreaterThan(10);
    expect(kinds((s) => s.kind === 'BatchJob')).toBeGreaterThan(20);
    expect(kinds((s) => s.workQueue === true)).toBeGreaterThan(3);
    expect(kinds((s) => s.kind === 'BatchJob' && s.name.length === 63)).toBeGreaterThan(3);
  });
});

describe('invalid corpus: one defect, the exact message', () => {
  test(`has at least 100 cases (${DEFECTS.length} defects x ${RUNS_PER_DEFECT} bases)`, () => {
    expect(DEFECTS.length * RUNS_PER_DEFECT).toBeGreaterThanOrEqual(100);
  });

  test.each(DEFECTS.map((d) => [d.name, d] as const))('%s', (_name, defect) => {
    // One schedule: the defects' messages are those of a single CronJob (several schedules have tests of their own).
    const base = defect.kind === 'ScheduledBatch'
      ? scheduledBatchSpec('x').map(({ extraSchedules: _several, ...s }): WorkloadSpec => s)
      : parameterizedJobSpec('x');
    fc.assert(fc.property(base, (spec) => {
      // The base alone is valid ...
      expect(errorOf(spec)).toBeUndefined();
      // ... and the one defect gives exactly our message.
      expect(errorOf(defect.apply(spec))).toBe(defect.message);
    }), { seed: SEED, numRuns: RUNS_PER_DEFECT });
  });
});
