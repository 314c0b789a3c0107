/**
 * A matrix workload: Furiko's `withMatrix` example, a Go build for every goos × goarch pair,
 * as one Indexed Job. (Seed 002's `normal-job` and `abnormal-end` are plain Jobs: see jobs.ts.)
 */
import { Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Matrix, ParallelMatrixJob } from '../src';

/** busybox runs as root by default; cdk8s-batch pods run as non-root, so pick a user. */
const nobody: kplus.ContainerSecurityContextProps = { user: 65534, group: 65534 };

export class MatrixChart extends Chart {
  public readonly build: ParallelMatrixJob;

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
  }
}
