import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Concurrency, JobOption, Schedule, ScheduledBatch, ScheduledBatchProps } from '../../src';
import { unionOfSchedules } from '../../src/schedule/union';
import { warningsOf } from '../../src/warnings';
import { validateManifest } from '../support/kube-schema';

const container: kplus.ContainerProps = { name: 'main', image: 'busybox:1.36', args: ['echo', 'hi'] };

function build(props: Partial<ScheduledBatchProps>, name = 'sync'): { batch: ScheduledBatch; objects: any[] } {
  const chart = Testing.chart();
  chart.node.setContext('cdk8s-batch.dev/controller', 'external');
  const batch = new ScheduledBatch(chart, 'sb', { metadata: { name, namespace: 'shop' }, containers: [container], ...props });
  return { batch, objects: validateManifest(Testing.synth(chart)) };
}

const cronJobs = (objects: any[]): any[] => objects.filter((o) => o.kind === 'CronJob');

describe('unionOfSchedules', () => {
  test.each([
    [['0 9 * * 1-5', '0 9 * * 6,0'], [[[0, 1], '0 9 * * 1-5,6,0']]],
    [['0 9 * * *', '0 9 * * *'], [[[0, 1], '0 9 * * *']]],
    [['0 9 * * *', '30 9 * * *', '0 12 * * *'], [[[0, 1], '0,30 9 * * *'], [[2], '0 12 * * *']]],
    [['0 9 * * 1', '30 12 * * 1'], [[[0], '0 9 * * 1'], [[1], '30 12 * * 1']]],
    // A `*` in a day field changes how cron combines the day fields: never merged there.
    [['0 9 * * 1', '0 9 15 * 1'], [[[0], '0 9 * * 1'], [[1], '0 9 15 * 1']]],
    [['0 9 1 * 1', '0 9 15 * 1'], [[[0, 1], '0 9 1,15 * 1']]],
    [['0 9 * * *', '0 12 * * *', '0 9 * * *'], [[[0, 1, 2], '0 9,12 * * *']]],
    [['0 9 * * 1', '0 12 * * 2', '0 9 * * 1'], [[[0, 2], '0 9 * * 1'], [[1], '0 12 * * 2']]],
  ])('%j', (expressions, expected) => {
    const groups = unionOfSchedules(expressions.map((resolved) => ({ resolved, hashed: false })));
    expect(groups.map((g) => [g.positions, g.expression])).toEqual(expected);
  });

  test('hashed schedules are never merged, even when their results are equal', () => {
    const groups = unionOfSchedules([{ resolved: '5 9 * * *', hashed: true }, { resolved: '5 9 * * *', hashed: true }]);
    expect(groups.map((g) => g.positions)).toEqual([[0], [1]]);
  });
});

describe('ScheduledBatch with several schedules', () => {
  test('one CronJob per schedule: NAME, NAME-i; seeds SEED and SEED#i; one label; the same Job template', () => {
    const { batch, objects } = build({ schedules: [Schedule.cron('H 9 * * 1-5'), Schedule.cron('H 12 * * 6,0')] });
    const crons = cronJobs(objects);
    expect(crons.map((c) => c.metadata.name)).toEqual(['sync', 'sync-1']);
    expect(crons.map((c) => c.metadata.annotations['cdk8s-batch.dev/hash-seed'])).toEqual(['shop/sync', 'shop/sync#1']);
    expect(crons.map((c) => c.metadata.annotations['cdk8s-batch.dev/schedule'])).toEqual(['H 9 * * 1-5', 'H 12 * * 6,0']);
    expect(crons.map((c) => c.spec.schedule)).toEqual([
      Schedule.cron('H 9 * * 1-5').resolve('shop/sync'), Schedule.cron('H 12 * * 6,0').resolve('shop/sync#1'),
    ]);
    expect(batch.resolvedSchedules).toEqual(crons.map((c) => c.spec.schedule));
    for (const c of crons) {
      expect(c.metadata.labels).toEqual({ 'cdk8s-batch.dev/workload': 'sync', 'cdk8s-batch.dev/kind': 'ScheduledBatch' });
      expect(c.metadata.namespace).toBe('shop');
      expect(c.spec.jobTemplate).toEqual(crons[0].spec.jobTemplate);
      expect(c.spec.jobTemplate.metadata.labels['cdk8s-batch.dev/workload']).toBe('sync');
    }
  });

  test('schedules: [s] is exactly schedule: s', () => {
    const one = build({ schedule: Schedule.cron('H 3 * * *') }).objects;
    const list = build({ schedules: [Schedule.cron('H 3 * * *')] }).objects;
    expect(list).toEqual(one);
  });

  test('schedules whose union is one expression are one CronJob', () => {
    const { batch, objects } = build({ schedules: [Schedule.cron('0 9 * * 1-5'), Schedule.cron('0 9 * * 6,0')] });
    const crons = cronJobs(objects);
    expect(crons).toHaveLength(1);
    expect(crons[0].spec.schedule).toBe('0 9 * * 1-5,6,0');
    expect(crons[0].metadata.annotations['cdk8s-batch.dev/schedule']).toBe('0 9 * * 1-5,6,0');
    expect(crons[0].spec.concurrencyPolicy).toBe('Allow');
    expect(batch.cronJobs).toHaveLength(1);
  });

  test('a merged CronJob is named after its first schedule', () => {
    const crons = cronJobs(build({
      schedules: [Schedule.cron('0 1 * * *'), Schedule.cron('0 2 * * 1'), Schedule.cron('30 1 * * *')],
    }).objects);
    expect(crons.map((c) => [c.metadata.name, c.spec.schedule])).toEqual([['sync', '0,30 1 * * *'], ['sync-1', '0 2 * * 1']]);
  });

  test('Forbid across CronJobs: the controller\'s queue with one slot and no room; the JobTemplate keeps Forbid', () => {
    const { batch, objects } = build({
      schedules: [Schedule.cron('0 9 * * 1-5'), Schedule.cron('0 12 * * 6,0')],
      concurrency: Concurrency.forbid(),
      options: [JobOption.string({ name: 'who', default: 'x' })],
    });
    for (const c of cronJobs(objects)) {
      expect(c.spec.concurrencyPolicy).toBe('Allow');
      expect(c.spec.jobTemplate.spec.suspend).toBe(true);
      const want = { 'cdk8s-batch.dev/concurrency-policy': 'Enqueue', 'cdk8s-batch.dev/max-concurrency': '1', 'cdk8s-batch.dev/max-queued': '0' };
      expect(c.metadata.annotations).toMatchObject(want);
      expect(c.spec.jobTemplate.metadata.annotations).toMatchObject(want);
    }
    const templates = objects.filter((o) => o.kind === 'JobTemplate');
    expect(templates.map((t) => [t.metadata.name, t.spec.concurrency])).toEqual([['sync', { policy: 'Forbid' }]]);
    expect(batch.concurrency.policy).toBe('Forbid');
  });

  test('Forbid within one CronJob stays Kubernetes\' own', () => {
    const crons = cronJobs(build({ schedules: [Schedule.cron('0 9 * * 1'), Schedule.cron('0 9 * * 2')], concurrency: Concurrency.forbid() }).objects);
    expect(crons).toHaveLength(1);
    expect(crons[0].spec.concurrencyPolicy).toBe('Forbid');
    expect(crons[0].metadata.annotations['cdk8s-batch.dev/concurrency-policy']).toBeUndefined();
  });

  test('Replace across CronJobs: each CronJob keeps Kubernetes\' Replace, and it and its Jobs carry the controller\'s Replace annotation', () => {
    const { batch, objects } = build({
      schedules: [Schedule.cron('0 9 * * 1-5'), Schedule.cron('0 12 * * 6,0')],
      concurrency: Concurrency.replace(),
      options: [JobOption.string({ name: 'who', default: 'x' })],
    });
    const crons = cronJobs(objects);
    expect(crons.map((c) => c.metadata.name)).toEqual(['sync', 'sync-1']);
    for (const c of crons) {
      expect(c.spec.concurrencyPolicy).toBe('Replace');
      expect(c.spec.jobTemplate.spec.suspend).toBeUndefined();
      expect(c.metadata.annotations['cdk8s-batch.dev/concurrency-policy']).toBe('Replace');
      expect(c.spec.jobTemplate.metadata.annotations['cdk8s-batch.dev/concurrency-policy']).toBe('Replace');
      expect(c.metadata.annotations['cdk8s-batch.dev/max-concurrency']).toBeUndefined();
    }
    const templates = objects.filter((o) => o.kind === 'JobTemplate');
    expect(templates.map((t) => [t.metadata.name, t.spec.concurrency])).toEqual([['sync', { policy: 'Replace' }]]);
    expect(batch.concurrency.policy).toBe('Replace');
  });

  test('Replace within one CronJob stays Kubernetes\' own, without the annotation', () => {
    const crons = cronJobs(build({ schedules: [Schedule.cron('0 9 * * 1'), Schedule.cron('0 9 * * 2')], concurrency: Concurrency.replace() }).objects);
    expect(crons).toHaveLength(1);
    expect(crons[0].spec.concurrencyPolicy).toBe('Replace');
    expect(crons[0].metadata.annotations['cdk8s-batch.dev/concurrency-policy']).toBeUndefined();
    expect(crons[0].spec.jobTemplate.metadata.annotations?.['cdk8s-batch.dev/concurrency-policy']).toBeUndefined();
  });

  test('synth warns about Replace across CronJobs without a BatchController, and not with one', () => {
    const emitted = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const chart = Testing.chart();
      const batch = new ScheduledBatch(chart, 'sb', {
        schedules: [Schedule.cron('0 9 * * 1'), Schedule.cron('30 12 * * 2')], concurrency: Concurrency.replace(), containers: [container],
      });
      Testing.synth(chart);
      expect(warningsOf(batch)).toEqual([
        'Concurrency.replace() across several CronJobs is carried out by the cdk8s-batch companion controller, and this app has no BatchController. ' +
        'Add a BatchController to the app, or set the context "cdk8s-batch.dev/controller": "external" if it is installed elsewhere.',
      ]);
      const { batch: withController } = build({ schedules: [Schedule.cron('0 9 * * 1'), Schedule.cron('30 12 * * 2')], concurrency: Concurrency.replace() });
      expect(warningsOf(withController)).toEqual([]);
    } finally {
      emitted.mockRestore();
    }
  });

  test('Enqueue spans every CronJob with the same caps', () => {
    const crons = cronJobs(build({
      schedules: [Schedule.cron('0 9 * * 1'), Schedule.cron('30 12 * * 2')], concurrency: Concurrency.enqueue({ maxConcurrency: 2 }),
    }).objects);
    expect(crons.map((c) => c.metadata.annotations['cdk8s-batch.dev/max-concurrency'])).toEqual(['2', '2']);
  });

  test('synth warns about Forbid across CronJobs without a BatchController', () => {
    const chart = Testing.chart();
    const emitted = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const batch = new ScheduledBatch(chart, 'sb', {
        schedules: [Schedule.cron('0 9 * * 1'), Schedule.cron('30 12 * * 2')], concurrency: Concurrency.forbid(), containers: [container],
      });
      Testing.synth(chart);
      expect(warningsOf(batch)).toEqual([
        'Concurrency.forbid() across several CronJobs is carried out by the cdk8s-batch companion controller, and this app has no BatchController. ' +
        'Add a BatchController to the app, or set the context "cdk8s-batch.dev/controller": "external" if it is installed elsewhere.',
      ]);
    } finally {
      emitted.mockRestore();
    }
  });

  describe('bad input', () => {
    const two = [Schedule.cron('0 9 * * 1'), Schedule.cron('30 12 * * 2')];
    test.each<[string, Partial<ScheduledBatchProps>, string]>([
      ['both', { schedule: Schedule.daily(), schedules: two },
        'test/sb: schedules: cannot be combined with schedule (got "2 schedules"). Put every schedule in schedules, or use schedule alone.'],
      ['neither', {},
        'test/sb: schedule: is missing: a ScheduledBatch needs schedule or schedules (got "undefined"). Pass e.g. schedule: Schedule.cron(\'H 3 * * *\').'],
      ['an empty list', { schedules: [] },
        'test/sb: schedules: must hold at least one schedule (got "[]"). Pass e.g. schedules: [Schedule.cron(\'0 9 * * 1-5\'), Schedule.cron(\'0 12 * * 6,0\')].'],
    ])('%s', (_what, props, message) => {
      expect(() => new ScheduledBatch(Testing.chart(), 'sb', { containers: [container], ...props } as ScheduledBatchProps)).toThrow(message);
    });

    test('a name that leaves no room for -i', () => {
      expect(() => new ScheduledBatch(Testing.chart(), 'sb', { metadata: { name: 'a'.repeat(51) }, schedules: two, containers: [container] }))
        .toThrow(/test\/sb: metadata\.name: .*50/);
      expect(() => new ScheduledBatch(Testing.chart(), 'sb', { metadata: { name: 'a'.repeat(50) }, schedules: two, containers: [container] }))
        .not.toThrow();
    });
  });
});
