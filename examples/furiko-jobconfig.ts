/**
 * Seed 004: the schedule, time zone, concurrency and run window of Furiko's example
 * JobConfig, as a ScheduledBatch. `H H/3 * * *` is hashed with the seed `default/example-jobconfig`,
 * the same key Furiko hashes, so the run times match a migrated JobConfig.
 */
import { Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Concurrency, Schedule, ScheduledBatch, TimeZone } from '../src';

export class FurikoJobConfigChart extends Chart {
  public readonly jobConfig: ScheduledBatch;
  public readonly enqueued: ScheduledBatch;
  public readonly expressions: ScheduledBatch;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    // The run window, pending timeout and Enqueue are carried out by the companion controller,
    // which the platform team installs from its own app (a BatchController construct there).
    this.node.setContext('cdk8s-batch.dev/controller', 'external');

    this.jobConfig = new ScheduledBatch(this, 'example-jobconfig', {
      metadata: { name: 'example-jobconfig' },
      schedule: Schedule.cron('H H/3 * * *'),
      timeZone: TimeZone.of('Asia/Singapore'),
      concurrency: Concurrency.forbid(),
      notBefore: new Date('2022-01-01T00:00:00-03:00'),
      notAfter: new Date('2023-01-01T00:00:00-03:00'),
      maxAttempts: 3,
      pendingTimeout: Duration.seconds(1800),
      jobMetadata: { annotations: { 'annotations.furiko.io/job-group': 'cool-jobs' } },
      containers: [{
        name: 'job-container',
        image: 'alpine:3.20',
        // alpine runs as root by default; cdk8s-batch pods run as non-root.
        securityContext: { user: 1000, group: 1000 },
        args: ['echo', 'Hello world, Example User!'],
      }],
    });

    // Furiko's third policy: runs queue up and start one at a time.
    this.enqueued = new ScheduledBatch(this, 'example-enqueue', {
      metadata: { name: 'example-enqueue' },
      schedule: Schedule.cron('H/15 * * * *'),
      timeZone: TimeZone.of('Asia/Singapore'),
      concurrency: Concurrency.enqueue({ maxConcurrency: 1, maxQueued: 5 }),
      containers: [{ name: 'job-container', image: 'alpine:3.20', securityContext: { user: 1000, group: 1000 }, args: ['sleep', '600'] }],
    });

    // `cronSchedule.expressions` (Furiko #7): weekdays at 9 and weekends at noon, one workload,
    // two CronJobs (example-expressions, example-expressions-1), Forbid across both.
    this.expressions = new ScheduledBatch(this, 'example-expressions', {
      metadata: { name: 'example-expressions' },
      schedules: [Schedule.cron('H 9 * * 1-5'), Schedule.cron('H 12 * * 6,0')],
      timeZone: TimeZone.of('Asia/Singapore'),
      concurrency: Concurrency.forbid(),
      containers: [{ name: 'job-container', image: 'alpine:3.20', securityContext: { user: 1000, group: 1000 }, args: ['echo', 'hello'] }],
    });
  }
}
