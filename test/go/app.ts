// The TypeScript twin of main.go (run.sh checks that both print byte-identical YAML). It uses src/,
// which run.sh checks is what the Go binding's embedded lib/ was compiled from. Keep the two in step.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  Concurrency, JobOption, Matrix, ParallelMatrixJob, ParameterizedJob, RunKind, Schedule, ScheduledBatch, TimeZone,
} from '../../src';

const app = new App();
const chart = new Chart(app, 'batch', { namespace: 'reports' });
// The controller is installed by another app.
chart.node.setContext('cdk8s-batch.dev/controller', 'external');

// A hashed schedule: H H(0-5) resolves to a concrete minute and hour from the CronJob's seed.
new ScheduledBatch(chart, 'nightly-report', {
  schedule: Schedule.cron('H H(0-5) * * *'),
  timeZone: TimeZone.of('Asia/Tokyo'),
  concurrency: Concurrency.forbid(),
  containers: [{ image: 'ghcr.io/acme/report:1.4.0', args: ['--since', '24h'] }],
  config: { REPORT_BUCKET: 'reports' },
});

new ParallelMatrixJob(chart, 'build', {
  matrix: Matrix.of({ goos: ['linux', 'darwin'], goarch: ['amd64', 'arm64'] }),
  maxParallel: 2,
  containers: [{
    image: 'golang:1.22',
    command: ['go', 'build', '-o', 'out/${matrix.goos}-${matrix.goarch}', './...'],
    envVariables: { GOOS: kplus.EnvValue.fromValue('${matrix.goos}') },
  }],
});

const greet = new ParameterizedJob(chart, 'greet', {
  options: [JobOption.string({ name: 'username', default: 'Example User', trimSpaces: true })],
  containers: [{ image: 'alpine:3.20', args: ['echo', 'Hello ${option.username}!'] }],
});
greet.addRun('alice', { values: { username: 'Alice' } });
greet.addRun('bob', { kind: RunKind.JOB, name: 'greet-bob', values: { username: 'Bob' } });

process.stdout.write(app.synthYaml());
