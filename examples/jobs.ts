/**
 * Seeds 001 and 002: plain Jobs, run once, rebuilt with BatchJob (and seed 002's CronJob with
 * ScheduledBatch). Every seed manifest is here, with the seed's names:
 *
 * - seed 001 `uzimihsr-echo-number`: args overriding the image's CMD, `backoffLimit: 1`;
 * - seed 002 `normal-job` (6 completions, 2 at a time), `abnormal-end` (always fails,
 *   `backoffLimit: 3`), `two-containers` (one of two containers fails, `backoffLimit: 2`),
 *   `prime-number`, the RabbitMQ work queue (`taskqueue` and the `pngen` workers) and the
 *   `hello` CronJob every minute.
 *
 * `backoffLimit: n` is `maxAttempts: n + 1` (the first attempt counts). The seeds' images run
 * as root; cdk8s-batch pods run as non-root, so each container picks a user.
 */
import { ApiObject, Chart, ChartProps, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { BatchJob, Schedule, ScheduledBatch } from '../src';

const nobody: kplus.ContainerSecurityContextProps = { user: 65534, group: 65534 };
const BUSYBOX = 'busybox:1.36.1';

/** Seed 001: a first hand-written Job. */
export class FirstJobChart extends Chart {
  public readonly echoNumber: BatchJob;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    // The image's ENTRYPOINT is /bin/sh and it sets NUMBER=777; args replace its CMD.
    // `$${NUMBER}` keeps `${NUMBER}` for the shell: `${...}` is cdk8s-batch's substitution.
    this.echoNumber = new BatchJob(this, 'echo-number', {
      metadata: { name: 'uzimihsr-echo-number' },
      maxAttempts: 2, // backoffLimit: 1
      containers: [{
        name: 'echo-number',
        image: 'uzimihsr/uzimihsr-sample-image:0.1',
        args: ['-c', 'echo $${NUMBER}'],
        securityContext: nobody,
      }],
    });
  }
}

/** Seed 002: Job behaviour in depth, and a CronJob. */
export class JobBehaviourChart extends Chart {
  public readonly normalJob: BatchJob;
  public readonly abnormalEnd: BatchJob;
  public readonly twoContainers: BatchJob;
  public readonly primeNumber: BatchJob;
  public readonly taskQueue: kplus.Deployment;
  public readonly pngen: BatchJob;
  public readonly pngenWorkers: BatchJob;
  public readonly hello: ScheduledBatch;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // 10.2: six pods must succeed, two at a time.
    this.normalJob = new BatchJob(this, 'normal-job', {
      metadata: { name: 'normal-job' },
      completions: 6,
      parallelism: 2,
      containers: [{ name: 'busybox', image: BUSYBOX, command: ['sh', '-c', 'sleep 5; exit 0'], securityContext: nobody }],
    });

    // 10.3: a pod that always fails; backoffLimit 3 is four attempts, then the Job fails.
    this.abnormalEnd = new BatchJob(this, 'abnormal-end', {
      metadata: { name: 'abnormal-end' },
      maxAttempts: 4,
      containers: [{ name: 'busybox', image: BUSYBOX, command: ['sh', '-c', 'sleep 5; exit 1'], securityContext: nobody }],
    });

    // 10.4: one of two containers fails, so the pod fails: three attempts, then the Job fails.
    this.twoContainers = new BatchJob(this, 'two-containers', {
      metadata: { name: 'two-containers' },
      maxAttempts: 3, // backoffLimit: 2
      containers: [
        { name: 'busybox1', image: BUSYBOX, command: ['sh', '-c', 'sleep 5; exit 0'], securityContext: nobody },
        { name: 'busybox2', image: BUSYBOX, command: ['sh', '-c', 'sleep 5; exit 1'], securityContext: nobody },
      ],
    });

    // 10.5: a prime-number batch; its parameters are environment variables.
    this.primeNumber = new BatchJob(this, 'prime-number', {
      metadata: { name: 'prime-number' },
      maxAttempts: 5, // backoffLimit: 4
      containers: [{
        name: 'pn-generator',
        image: 'maho/pn_generator:0.1',
        envVariables: { A_START_NUM: kplus.EnvValue.fromValue('2'), A_SIZE_NUM: kplus.EnvValue.fromValue('10**5') },
        securityContext: nobody,
      }],
    });

    // 10.8.1: the message broker, a plain Deployment and Service (not a batch workload). The
    // seed published it as NodePort 31672 for a producer outside the cluster; the workers
    // only need the ClusterIP (a producer outside can use `kubectl port-forward svc/taskqueue 5672`).
    this.taskQueue = new kplus.Deployment(this, 'taskqueue', {
      metadata: { name: 'taskqueue' },
      replicas: 1,
      containers: [{
        name: 'rabbitmq',
        image: 'rabbitmq:3.13',
        portNumber: 5672,
        // The image's own user; RabbitMQ writes its database and cookie.
        securityContext: { user: 999, group: 999, readOnlyRootFilesystem: false },
      }],
    });
    // Pod Security `restricted` asks for two fields cdk8s-plus-27 has no props for.
    ApiObject.of(this.taskQueue).addJsonPatch(
      JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
      JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }));
    this.taskQueue.exposeViaService({ name: 'taskqueue', ports: [{ port: 5672 }] });

    const worker: kplus.ContainerProps = {
      name: 'pn-generator',
      image: 'maho/pn_generator:0.7',
      envVariables: {
        BROKER_URL: kplus.EnvValue.fromValue('amqp://guest:guest@taskqueue:5672'),
        QUEUE: kplus.EnvValue.fromValue('taskqueue'),
      },
      securityContext: nobody,
    };

    // 10.8: the Job job-initiator.py creates after publishing four ranges: one message per
    // pod, so four completions, two pods at a time.
    this.pngen = new BatchJob(this, 'pngen', {
      metadata: { name: 'pngen' },
      completions: 4,
      parallelism: 2,
      maxAttempts: 5, // backoff_limit=4
      containers: [worker],
    });

    // The same workers as Kubernetes' "work queue" pattern: no completion count; each worker
    // takes messages until the queue is empty, then exits 0, and the Job is complete.
    this.pngenWorkers = new BatchJob(this, 'pngen-workers', {
      metadata: { name: 'pngen-workers' },
      workQueue: true,
      parallelism: 2,
      maxAttempts: 5,
      containers: [worker],
    });

    // 10.9: a CronJob every minute (batch/v1beta1 in the seed; batch/v1 since Kubernetes 1.21).
    this.hello = new ScheduledBatch(this, 'hello', {
      metadata: { name: 'hello' },
      schedule: Schedule.cron('*/1 * * * *'),
      restartPolicy: kplus.RestartPolicy.ON_FAILURE,
      containers: [{
        name: 'hello',
        image: BUSYBOX,
        args: ['/bin/sh', '-c', 'date; echo Hello from the kubernetes cluseter'],
        securityContext: nobody,
      }],
    });
  }
}
