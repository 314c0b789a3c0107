/**
 * Retry delay (Furiko's `retryDelaySeconds`, docs/retry-delay.md): a sync whose partner API
 * sheds load for a while, retried at least two minutes after each failure, and a matrix whose
 * cells are each retried 90 s after their own failure (per index). Every pod is created behind
 * the `cdk8s-batch.dev/retry-delay` scheduling gate; the companion controller releases it.
 */
import { Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Matrix, ParallelMatrixJob, Schedule, ScheduledBatch } from '../src';

export class RetryDelayChart extends Chart {
  public readonly sync: ScheduledBatch;
  public readonly regions: ParallelMatrixJob;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    // The controller releases the gated pods; the platform team installs it from its own app.
    this.node.setContext('cdk8s-batch.dev/controller', 'external');

    this.sync = new ScheduledBatch(this, 'partner-sync', {
      metadata: { name: 'partner-sync' },
      schedule: Schedule.cron('H * * * *'),
      maxAttempts: 3,
      retryDelay: Duration.minutes(2),
      containers: [{ name: 'main', image: 'registry.example/partners/sync:3.1' }],
    });

    // One Indexed Job: a failure of one region delays only that region's next attempt.
    this.regions = new ParallelMatrixJob(this, 'region-export', {
      metadata: { name: 'region-export' },
      matrix: Matrix.keys(['eu', 'us', 'ap']),
      maxAttempts: 4,
      retryDelay: Duration.seconds(90),
      containers: [{ name: 'main', image: 'registry.example/exports/region:2.0' }],
    });
  }
}
