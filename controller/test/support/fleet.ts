/**
 * A fleet of CronJobs as cdk8s-batch synthesizes them (annotations, labels, resolved schedule),
 * for the spread view at fleet size (issue 17): `count` CronJobs over 10 namespaces and 4 zones;
 * a third `H/15 * * * *`, a third `H H * * *`, a third `H H(0-5) * * 1-5`. Schedules are
 * resolved with the core, as synth would.
 */
import { Schedule } from '../../../src/schedule';

export const FLEET_ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'];
const EXPRESSIONS = ['H/15 * * * *', 'H H * * *', 'H H(0-5) * * 1-5'];

export function fleetYaml(count: number): string {
  const schedules = EXPRESSIONS.map(e => Schedule.cron(e));
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    const namespace = `team-${i % 10}`;
    const name = `job-${String(i).padStart(5, '0')}`;
    const seed = `${namespace}/${name}`;
    docs.push(`apiVersion: batch/v1
kind: CronJob
metadata:
  annotations:
    cdk8s-batch.dev/hash-seed: ${seed}
    cdk8s-batch.dev/schedule: ${EXPRESSIONS[i % 3]}
  labels:
    cdk8s-batch.dev/kind: ScheduledBatch
    cdk8s-batch.dev/workload: ${name}
  name: ${name}
  namespace: ${namespace}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - image: alpine:3.20
              name: main
          restartPolicy: Never
  schedule: ${schedules[i % 3].resolve(seed)}
  suspend: false
  timeZone: ${FLEET_ZONES[Math.floor(i / 3) % 4]}
`);
  }
  return docs.join('---\n');
}
