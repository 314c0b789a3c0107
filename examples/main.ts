/**
 * Synthesizes every example into dist/ (`npx projen synth:examples`).
 */
import { App, YamlOutputType } from 'cdk8s';
import { FurikoJobConfigChart } from './furiko-jobconfig';
import { HelloChart } from './hello';
import { FirstJobChart, JobBehaviourChart } from './jobs';
import { MatrixChart } from './matrix';
import { ParameterizedChart } from './parameterized';
import { RetryDelayChart } from './retry-delay';
import { TaskReporterChart } from './task-reporter';

/** Every example chart, by the file name it synthesizes to. */
export const EXAMPLES: Record<string, (app: App) => void> = {
  'hello': (app) => new HelloChart(app, 'hello'),
  'task-reporter': (app) => new TaskReporterChart(app, 'task-reporter'),
  'furiko-jobconfig': (app) => new FurikoJobConfigChart(app, 'furiko-jobconfig'),
  'parameterized': (app) => new ParameterizedChart(app, 'parameterized'),
  'matrix': (app) => new MatrixChart(app, 'matrix'),
  'first-job': (app) => new FirstJobChart(app, 'first-job'),
  'jobs': (app) => new JobBehaviourChart(app, 'jobs'),
  'retry-delay': (app) => new RetryDelayChart(app, 'retry-delay'),
};

export function synthExamples(outdir: string): App {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  for (const add of Object.values(EXAMPLES)) {
    add(app);
  }
  app.synth();
  return app;
}

if (require.main === module) {
  synthExamples('dist');
}
