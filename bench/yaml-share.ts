/**
 * What part of a synth the YAML is: `Yaml.stringify` alone over the JSON documents of 1,000
 * plain cdk8s-plus-27 CronJobs and of 1,000 ScheduledBatch workloads (the inputs of
 * bench/scheduled-batch.ts), against the whole synth of the plain CronJobs, CPU time, median of
 * alternating rounds. Since the YAML must stay byte-identical, ours' serialisation alone bounds
 * how close to plain cdk8s-plus-27 any ScheduledBatch can get.
 *
 * `TS_NODE_PROJECT=bench/tsconfig.json node --expose-gc -r ts-node/register/transpile-only bench/yaml-share.ts`
 */
import { App, Chart, Cron, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Schedule, ScheduledBatch } from '../src';

const WORKLOADS = 1000;
const ROUNDS = 9;

function pod(i: number): kplus.ContainerProps {
  return { name: 'main', image: `registry.example/job-${i % 17}:1.0`, args: ['run', `--shard=${i}`] };
}

function plainApp(): App {
  const app = new App();
  const chart = new Chart(app, 'plain');
  for (let i = 0; i < WORKLOADS; i++) {
    new kplus.CronJob(chart, `job-${i}`, { schedule: Cron.schedule({ minute: String(i % 60), hour: String(i % 6) }), containers: [pod(i)] });
  }
  return app;
}

function batchDocs(): unknown[] {
  const app = new App();
  const chart = new Chart(app, 'batch');
  for (let i = 0; i < WORKLOADS; i++) {
    new ScheduledBatch(chart, `job-${i}`, { schedule: Schedule.cron('H H(0-5) * * *'), containers: [pod(i)] });
  }
  return chart.toJson();
}

function cpuMs(fn: () => unknown): number {
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

const plainDocs = plainApp().charts[0].toJson();
const ours = batchDocs();
const t: Record<string, number[]> = { plainSynth: [], plainYaml: [], oursYaml: [] };
cpuMs(() => plainApp().synthYaml()); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  t.plainSynth.push(cpuMs(() => plainApp().synthYaml()));
  t.plainYaml.push(cpuMs(() => Yaml.stringify(...plainDocs)));
  t.oursYaml.push(cpuMs(() => Yaml.stringify(...ours)));
}
console.table({
  'plain cdk8s-plus-27: whole synth, CPU ms': median(t.plainSynth).toFixed(0),
  'plain cdk8s-plus-27: Yaml.stringify alone, CPU ms': median(t.plainYaml).toFixed(0),
  'ScheduledBatch: Yaml.stringify alone, CPU ms': median(t.oursYaml).toFixed(0),
  'ours YAML alone / plain YAML alone': (median(t.oursYaml) / median(t.plainYaml)).toFixed(2),
  'ours YAML alone / plain whole synth': (median(t.oursYaml) / median(t.plainSynth)).toFixed(2),
});
