import { Testing } from 'cdk8s';
import {
  Concurrency, ConcurrencyGroup, JobOption, Matrix, ParallelMatrixJob, ParameterizedJob, RunKind, Schedule, ScheduledBatch,
} from '../../src';
import { readConcurrencyGroup } from '../../src/contract/annotations';
import { runSourceFromJobTemplate, planRun, RunAdmission, isQueued, phaseOfJob, RunPhase, admitAcrossGroup } from '../../src/runs';
import { warningsOf } from '../../src/warnings';
import { validateManifest } from '../support/kube-schema';

const container = { name: 'main', image: 'registry.example/app:1.0' };
const GROUP_LABEL = 'cdk8s-batch.dev/concurrency-group';
const CAP = 'cdk8s-batch.dev/group-max-concurrency';

function chart() {
  const c = Testing.chart();
  c.node.setContext('cdk8s-batch.dev/controller', 'external');
  return c;
}

describe('ConcurrencyGroup', () => {
  const db = new ConcurrencyGroup({ name: 'orders-db', maxConcurrency: 2 });

  test('every workload kind puts its Jobs in the group: label, cap, created suspended', () => {
    const c = chart();
    new ScheduledBatch(c, 'export', { metadata: { name: 'export' }, schedule: Schedule.daily(), concurrencyGroup: db, containers: [container] });
    new ParallelMatrixJob(c, 'reindex', {
      metadata: { name: 'reindex' }, matrix: Matrix.of({ shard: ['a', 'b'] }), concurrencyGroup: db, containers: [container],
    });
    const pj = new ParameterizedJob(c, 'import', {
      metadata: { name: 'import' }, options: [JobOption.string({ name: 'day', default: 'today' })], concurrencyGroup: db, containers: [container],
    });
    pj.addRun('first', { kind: RunKind.JOB, name: 'import-first' });
    const objects = validateManifest(Testing.synth(c));
    const cron = objects.find((o) => o.kind === 'CronJob');
    const jobs = objects.filter((o) => o.kind === 'Job');
    const template = objects.find((o) => o.kind === 'JobTemplate');
    const jobMetas = [cron.spec.jobTemplate, ...jobs, template.spec.template];
    expect(jobMetas).toHaveLength(4);
    for (const j of jobMetas) {
      expect(j.metadata.labels[GROUP_LABEL]).toBe('orders-db');
      expect(j.metadata.annotations[CAP]).toBe('2');
      expect(j.spec.suspend).toBe(true);
      // The group is a queue apart from the workload's identity.
      expect(j.metadata.labels['cdk8s-batch.dev/workload']).not.toBe('orders-db');
      expect(readConcurrencyGroup(j.metadata.labels, j.metadata.annotations)).toEqual({ name: 'orders-db', maxConcurrency: 2 });
    }
    // The CronJob itself keeps firing: only its Jobs wait.
    expect(cron.spec.suspend).toBe(false);
  });

  test('an ad-hoc run of a grouped workload is a suspended, queued Job, even when forced', () => {
    const c = chart();
    new ParameterizedJob(c, 'import', {
      metadata: { name: 'import' }, concurrency: Concurrency.allow(), concurrencyGroup: db, containers: [container],
    });
    const template = Testing.synth(c).find((o) => o.kind === 'JobTemplate');
    const source = runSourceFromJobTemplate(template);
    for (const force of [false, true]) {
      const plan = planRun(source, { name: 'import-1', force }, []);
      expect(plan.admission).toBe(RunAdmission.START);
      expect(plan.job!.job.spec.suspend).toBe(true);
      expect(plan.job!.job.metadata.labels[GROUP_LABEL]).toBe('orders-db');
      expect(isQueued(plan.job!.job)).toBe(true);
      expect(phaseOfJob(plan.job!.job)).toBe(RunPhase.QUEUED);
    }
  });

  test('without a group nothing is suspended or labelled', () => {
    const c = chart();
    new ParallelMatrixJob(c, 'reindex', { metadata: { name: 'reindex' }, matrix: Matrix.of({ shard: ['a'] }), containers: [container] });
    const [job] = Testing.synth(c).filter((o) => o.kind === 'Job');
    expect(job.spec.suspend).toBeUndefined();
    expect(job.metadata.labels[GROUP_LABEL]).toBeUndefined();
  });

  test('maxConcurrency defaults to 1', () => {
    expect(new ConcurrencyGroup({ name: 'gpu' }).maxConcurrency).toBe(1);
  });

  test('warns without a BatchController', () => {
    const c = Testing.chart();
    const batch = new ScheduledBatch(c, 'x', { schedule: Schedule.daily(), concurrencyGroup: db, containers: [container] });
    const emitted = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    Testing.synth(c);
    expect(warningsOf(batch)).toEqual([
      'concurrencyGroup is carried out by the cdk8s-batch companion controller, and this app has no BatchController. ' +
      'Add a BatchController to the app, or set the context "cdk8s-batch.dev/controller": "external" if it is installed elsewhere.',
    ]);
    emitted.mockRestore();
  });

  test.each([
    [{ name: 'Orders_DB' }, 'concurrencyGroup.name: must be a DNS label of at most 63 characters (lower case letters, digits and "-"), because Jobs carry it as a label value (got "Orders_DB"). Name the group e.g. \'shared-db\'.'],
    [{ name: 'x'.repeat(64) }, `concurrencyGroup.name: must be a DNS label of at most 63 characters (lower case letters, digits and "-"), because Jobs carry it as a label value (got "${'x'.repeat(64)}"). Name the group e.g. 'shared-db'.`],
    [{ name: 'db', maxConcurrency: 0 }, "concurrencyGroup.maxConcurrency: must be a whole number from 1 to 10000 (got \"0\"). Pass new ConcurrencyGroup({ name: 'db', maxConcurrency: 1 }) or another whole number in range."],
    [{ name: 'db', maxConcurrency: 1.5 }, "concurrencyGroup.maxConcurrency: must be a whole number from 1 to 10000 (got \"1.5\"). Pass new ConcurrencyGroup({ name: 'db', maxConcurrency: 1 }) or another whole number in range."],
  ])('rejects %j, naming the workload that joins', (props, message) => {
    const group = new ConcurrencyGroup(props);
    expect(() => new ScheduledBatch(chart(), 'nightly', { schedule: Schedule.daily(), concurrencyGroup: group, containers: [container] }))
      .toThrow(`test/nightly: ${message}`);
  });
});

describe('admitAcrossGroup', () => {
  const m = (name: string, workload: string, createdAt: number, queued = true) => ({ job: name, name, workload, createdAt, queued });

  test('oldest first up to the limit, counting the running ones', () => {
    const d = admitAcrossGroup([m('c', 'w3', 3), m('a', 'w1', 1), m('r', 'w2', 0, false), m('b', 'w2', 2)], 2);
    expect(d.admit).toEqual(['a']);
    expect(d.waiting).toEqual(['b', 'c']);
    expect(d.running).toBe(2);
  });

  test('ties on creation time go by name', () => {
    expect(admitAcrossGroup([m('y', 'w1', 5), m('x', 'w2', 5)], 1).admit).toEqual(['x']);
  });

  test("a Job at its workload's own cap keeps its place; a younger one of another workload goes", () => {
    const d = admitAcrossGroup([m('a', 'w1', 1), m('b', 'w2', 2), m('c', 'w1', 3)], 3, new Map([['w1', 1]]), new Map([['w1', 1]]));
    expect(d.admit).toEqual(['b']);
    expect(d.waiting).toEqual(['a', 'c']);
  });
});
