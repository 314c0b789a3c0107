/**
 * Seed 000: the first ScheduledJob, a `hello` job every minute, rebuilt with ScheduledBatch.
 * Three variants: Kubernetes' default concurrency (Allow), Forbid, and suspended.
 */
import { Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Concurrency, Schedule, ScheduledBatch } from '../src';

/** busybox runs as root by default; cdk8s-batch pods run as non-root, so pick a user. */
const helloContainer: kplus.ContainerProps = {
  name: 'hello',
  image: 'busybox:1.36',
  args: ['/bin/sh', '-c', 'date; echo Hello from the Kubernetes cluster'],
  securityContext: { user: 65534, group: 65534 },
};

export class HelloChart extends Chart {
  public readonly hello: ScheduledBatch;
  public readonly helloForbid: ScheduledBatch;
  public readonly helloSuspended: ScheduledBatch;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // The seed's `0/1 * * * ?` is "every minute": `?` is `*`, and `0/1` is `0-59/1`.
    this.hello = new ScheduledBatch(this, 'hello', {
      metadata: { name: 'hello' },
      schedule: Schedule.cron('0/1 * * * ?'),
      restartPolicy: kplus.RestartPolicy.ON_FAILURE,
      containers: [helloContainer],
    });

    this.helloForbid = new ScheduledBatch(this, 'hello-forbid', {
      metadata: { name: 'hello-forbid' },
      schedule: Schedule.everyMinute(),
      concurrency: Concurrency.forbid(),
      restartPolicy: kplus.RestartPolicy.ON_FAILURE,
      containers: [helloContainer],
    });

    this.helloSuspended = new ScheduledBatch(this, 'hello-suspended', {
      metadata: { name: 'hello-suspended' },
      schedule: Schedule.everyMinute(),
      concurrency: Concurrency.forbid(),
      suspend: true,
      restartPolicy: kplus.RestartPolicy.ON_FAILURE,
      containers: [helloContainer],
    });
  }
}
