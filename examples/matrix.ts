/**
 * Matrix workloads: Furiko's `withMatrix` example (a Go build for every goos × goarch pair)
 * and seed 002's two Jobs (`normal-job`: six completions two at a time; `abnormal-end`: a pod
 * that exits 1, with three retries), each as one Indexed Job.
 */
import { Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Matrix, ParallelMatrixJob } from '../src';

/** busybox runs as root by default; cdk8s-batch pods run as non-root, so pick a user. */
const nobody: kplus.ContainerSecurityContextProps = { user: 65534, group: 65534 };

export class MatrixChart extends Chart {
  public readonly build: ParallelMatrixJob;
  public readonly normalJob: ParallelMatrixJob;
  public readonly abnormalEnd: ParallelMatrixJob;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // Keys sort bytewise (goarch < goos) and the last key varies fastest:
    // 0 amd64/linux, 1 amd64/darwin, 2 amd64/windows, 3 arm64/linux, 4 arm64/darwin, 5 arm64/windows.
    this.build = new ParallelMatrixJob(this, 'build', {
      metadata: { name: 'go-build' },
      matrix: Matrix.of({ goos: ['linux', 'darwin', 'windows'], goarch: ['amd64', 'arm64'] }),
      containers: [{
        name: 'go',
        image: 'golang:1.22',
        command: ['go', 'build', './...'],
        // The golang image runs as root; build as a user, with the caches in a scratch volume.
        securityContext: { ...nobody, readOnlyRootFilesystem: false },
        envVariables: {
          GOOS: kplus.EnvValue.fromValue('${matrix.goos}'),
          GOARCH: kplus.EnvValue.fromValue('${matrix.goarch}'),
          HOME: kplus.EnvValue.fromValue('/tmp'),
        },
      }],
    });

    // Seed 002 `normal-job`: `completions: 6` with `parallelism: 2`, each pod exiting 0.
    this.normalJob = new ParallelMatrixJob(this, 'normal-job', {
      metadata: { name: 'normal-job' },
      matrix: Matrix.count(6),
      maxParallel: 2,
      containers: [{
        name: 'busybox',
        image: 'busybox:1.36.1',
        command: ['sh', '-c', 'sleep 5; echo "cell ${matrix.index} done"; exit 0'],
        securityContext: nobody,
      }],
    });

    // Seed 002 `abnormal-end`: a pod that always exits 1; `backoffLimit: 3` is three retries,
    // four attempts in all, after which the Job fails.
    this.abnormalEnd = new ParallelMatrixJob(this, 'abnormal-end', {
      metadata: { name: 'abnormal-end' },
      matrix: Matrix.count(1),
      maxAttempts: 4,
      containers: [{
        name: 'busybox',
        image: 'busybox:1.36.1',
        command: ['sh', '-c', 'sleep 5; exit 1'],
        securityContext: nobody,
      }],
    });
  }
}
