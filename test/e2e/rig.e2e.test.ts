/**
 * Smoke tests of the e2e rig itself: the real apiserver validates like a cluster does, the
 * real CronJob and Job controllers run workloads to completion on kwok's fake Nodes, and the
 * OpenAPI documents are served. If these fail, every other e2e test is suspect.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import {
  apply,
  applyServerDryRun,
  createNamespace,
  deleteNamespace,
  getObject,
  kubectl,
  listObjects,
  waitFor,
} from './support/rig';

const IMAGE = 'registry.example/batch/worker:1.0';

interface CronJobOptions {
  readonly name?: string;
  readonly schedule?: string;
  readonly timeZone?: string;
  readonly podAnnotations?: Record<string, string>;
  readonly backoffLimit?: number;
  readonly extraPodSpec?: Record<string, unknown>;
}

function cronJob(options: CronJobOptions = {}) {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: options.name ?? 'nightly' },
    spec: {
      schedule: options.schedule ?? '* * * * *',
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
      jobTemplate: {
        spec: {
          ...(options.backoffLimit !== undefined ? { backoffLimit: options.backoffLimit } : {}),
          template: {
            metadata: { annotations: options.podAnnotations ?? {} },
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'main', image: IMAGE, args: ['run'] }],
              ...options.extraPodSpec,
            },
          },
        },
      },
    },
  };
}

const EVERY_MINUTE_YAML = `
apiVersion: batch/v1
kind: CronJob
metadata:
  name: every-minute
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: main
            image: ${IMAGE}
            args: [run]
`;

function condition(obj: any, type: string): any {
  return (obj?.status?.conditions ?? []).find((c: any) => c.type === type && c.status === 'True');
}

function pinnedVersion(key: string): string {
  const env = fs.readFileSync(path.join(__dirname, 'rig', 'versions.env'), 'utf8');
  const match = env.match(new RegExp(`^${key}=(\\S+)$`, 'm'));
  if (!match) throw new Error(`${key} not in versions.env`);
  return match[1];
}

describe('the rig', () => {
  test('runs the pinned Kubernetes version', () => {
    const version = JSON.parse(kubectl(['version', '-o', 'json']));
    expect(version.serverVersion.gitVersion).toBe(pinnedVersion('K8S_VERSION'));
    expect(version.clientVersion.gitVersion).toBe(pinnedVersion('K8S_VERSION'));
  });

  test('has a Ready kwok Node', () => {
    const nodes = listObjects('nodes', undefined, 'type=kwok');
    expect(nodes.length).toBeGreaterThanOrEqual(1);
    expect(condition(nodes[0], 'Ready')).toBeDefined();
    expect(nodes[0].spec.taints ?? []).toEqual([]); // schedulable
  });
});

describe('server-side dry-run', () => {
  let ns: string;
  beforeAll(async () => {
    ns = await createNamespace('e2e-dryrun');
  });
  afterAll(() => deleteNamespace(ns));

  test('accepts a valid CronJob, returns it defaulted, and stores nothing', () => {
    const out = parse(applyServerDryRun(cronJob({ timeZone: 'Europe/Berlin' }), ns));
    expect(out.metadata.namespace).toBe(ns);
    // Defaults filled in by the apiserver, not by us.
    expect(out.spec.concurrencyPolicy).toBe('Allow');
    expect(out.spec.successfulJobsHistoryLimit).toBe(3);
    expect(out.spec.failedJobsHistoryLimit).toBe(1);
    expect(out.spec.jobTemplate.spec.template.spec.terminationGracePeriodSeconds).toBe(30);
    expect(getObject('cronjob', 'nightly', ns)).toBeUndefined();
  });

  test.each([
    ['a 53-character name', { name: 'a'.repeat(53) }, /metadata\.name: Invalid value: "a{53}": must be no more than 52 characters/],
    ['a Jenkins H schedule', { schedule: 'H * * * *' }, /spec\.schedule: Invalid value: "H \* \* \* \*": failed to parse int from H/],
    ['day-of-week 7', { schedule: '0 0 * * 7' }, /spec\.schedule: Invalid value: "0 0 \* \* 7": end of range \(7\) above maximum \(6\)/],
    ['an unknown time zone', { timeZone: 'Foo/Bar' }, /spec\.timeZone: Invalid value: "Foo\/Bar": unknown time zone Foo\/Bar/],
    ['restartPolicy Always', { extraPodSpec: { restartPolicy: 'Always' } }, /spec\.jobTemplate\.spec\.template\.spec\.restartPolicy: (Required|Unsupported) value/],
    ['an unknown field', { extraPodSpec: { restartPolicyy: 'Never' } }, /spec\.jobTemplate\.spec\.template\.spec\.restartPolicyy: field not declared in schema/],
  ] as const)('rejects %s with the apiserver\'s message', (_what, options, message) => {
    expect(() => applyServerDryRun(cronJob(options), ns)).toThrow(message);
  });

  test('enforces Pod Security admission on labelled namespaces', async () => {
    const restricted = await createNamespace('e2e-psa', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    try {
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'root' },
        spec: { containers: [{ name: 'main', image: IMAGE }] },
      };
      expect(() => applyServerDryRun(pod, restricted)).toThrow(/violates PodSecurity "restricted:latest"/);
      expect(() => applyServerDryRun(pod, ns)).not.toThrow();
    } finally {
      deleteNamespace(restricted);
    }
  });
});

describe('CronJob and Job controllers with kwok nodes', () => {
  let ns: string;
  beforeAll(async () => {
    ns = await createNamespace('e2e-cron');
    // Plain YAML, as a user would write it. Created first so that the wait for its first
    // scheduled run overlaps the other tests.
    apply(EVERY_MINUTE_YAML, ns);
  });
  afterAll(() => deleteNamespace(ns));

  test('a Job created from the CronJob template completes on a kwok node', async () => {
    kubectl(['create', 'job', 'manual-run', '--from=cronjob/every-minute', '-n', ns]);
    const job = await waitFor(() => {
      const j = getObject('job', 'manual-run', ns);
      return condition(j, 'Complete') ? j : undefined;
    }, 60_000, { description: `Job ${ns}/manual-run Complete` });
    expect(job.status.succeeded).toBe(1);

    const pods = listObjects('pods', ns, 'batch.kubernetes.io/job-name=manual-run');
    expect(pods).toHaveLength(1);
    expect(pods[0].status.phase).toBe('Succeeded');
    expect(pods[0].spec.nodeName).toMatch(/^kwok-node-\d+$/);
    expect(pods[0].status.containerStatuses[0].state.terminated.exitCode).toBe(0);
  });

  test('a Job whose pod exits non-zero fails (kwok exit-code annotation)', async () => {
    apply(cronJob({
      name: 'failing',
      backoffLimit: 0,
      podAnnotations: { 'e2e.cdk8s-batch.dev/exit-code': '3' },
    }), ns);
    kubectl(['create', 'job', 'failing-run', '--from=cronjob/failing', '-n', ns]);
    const job = await waitFor(() => {
      const j = getObject('job', 'failing-run', ns);
      return condition(j, 'Failed') ? j : undefined;
    }, 60_000, { description: `Job ${ns}/failing-run Failed` });
    expect(condition(job, 'Failed').reason).toBe('BackoffLimitExceeded');
    const pods = listObjects('pods', ns, 'batch.kubernetes.io/job-name=failing-run');
    expect(pods[0].status.phase).toBe('Failed');
    expect(pods[0].status.containerStatuses[0].state.terminated.exitCode).toBe(3);
  });

  test('the CronJob controller itself creates a Job that completes (within 90 s)', async () => {
    const created = Date.parse(getObject('cronjob', 'every-minute', ns).metadata.creationTimestamp);
    const scheduled = await waitFor(() => listObjects('jobs', ns).find((j) =>
      j.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']
      && (j.metadata.ownerReferences ?? []).some((o: any) => o.kind === 'CronJob' && o.name === 'every-minute' && o.controller),
    ), Math.max(5_000, created + 90_000 - Date.now()), { description: 'a Job scheduled by the CronJob controller', intervalMs: 1_000 });
    expect(scheduled.metadata.name).toMatch(/^every-minute-\d+$/);

    const name = scheduled.metadata.name;
    await waitFor(() => condition(getObject('job', name, ns), 'Complete'), 60_000, { description: `Job ${ns}/${name} Complete` });
    const cron = await waitFor(() => {
      const c = getObject('cronjob', 'every-minute', ns);
      return c?.status?.lastSuccessfulTime ? c : undefined;
    }, 30_000, { description: 'CronJob status.lastSuccessfulTime' });
    expect(Date.parse(cron.status.lastScheduleTime)).toBeGreaterThanOrEqual(created - 60_000);
  });
});

describe('OpenAPI', () => {
  test('/openapi/v3 serves the batch/v1 schema', () => {
    const index = JSON.parse(kubectl(['get', '--raw', '/openapi/v3']));
    expect(Object.keys(index.paths)).toContain('apis/batch/v1');
    const batch = JSON.parse(kubectl(['get', '--raw', '/openapi/v3/apis/batch/v1']));
    const schemas = batch.components.schemas;
    expect(schemas['io.k8s.api.batch.v1.CronJobSpec'].properties.timeZone).toBeDefined();
    expect(schemas['io.k8s.api.batch.v1.JobSpec'].properties.successPolicy).toBeDefined();
    expect(schemas['io.k8s.api.batch.v1.JobSpec'].properties.managedBy).toBeDefined();
  });

  test('/openapi/v2 is served too', () => {
    const swagger = JSON.parse(kubectl(['get', '--raw', '/openapi/v2']));
    expect(swagger.swagger).toBe('2.0');
    expect(swagger.definitions['io.k8s.api.batch.v1.CronJob']).toBeDefined();
  });
});
