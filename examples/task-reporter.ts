/**
 * Seed 003: a production-style nightly report. A CronJob at 15:00 UTC (midnight in Tokyo),
 * configuration from a ConfigMap via envFrom, an emptyDir scratch volume, a one-hour
 * deadline, 10 retries and 3/3 history.
 */
import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Schedule, ScheduledBatch, TimeZone } from '../src';

export class TaskReporterChart extends Chart {
  public readonly reporter: ScheduledBatch;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    const scratch = kplus.Volume.fromEmptyDir(this, 'app-temp-dir', 'app-temp-dir', {
      sizeLimit: Size.gibibytes(10),
    });

    this.reporter = new ScheduledBatch(this, 'task-reporter', {
      metadata: { name: 'task-reporter', labels: { app: 'task-reporter' } },
      jobMetadata: { labels: { app: 'task-reporter' } },
      podMetadata: { labels: { app: 'task-reporter' } },
      schedule: Schedule.cron('0 15 * * *'),
      timeZone: TimeZone.UTC,
      activeDeadline: Duration.hours(1),
      maxAttempts: 11, // the first attempt and 10 retries: backoffLimit 10
      successfulJobsRetained: 3,
      failedJobsRetained: 3,
      config: {
        STAGE: 'localstack',
        NODE_ENV: 'development',
        TZ: 'Asia/Tokyo',
        TASK_TABLE_NAME: 'tasks',
        REPORT_BUCKET: 'completed-task-report-bucket',
        TARGET_OFFSET_DAYS: '0',
        AWS_ENDPOINT: 'http://localstack:4566',
        AWS_DEFAULT_REGION: 'local',
      },
      volumes: [scratch],
    });

    const container = this.reporter.addContainer({
      name: 'task-reporter',
      image: 'task-reporter',
      imagePullPolicy: kplus.ImagePullPolicy.NEVER,
      envVariables: { TEMP_DIR: kplus.EnvValue.fromValue('/var/app/temp') },
    });
    container.mount('/var/app/temp', scratch);
  }
}
