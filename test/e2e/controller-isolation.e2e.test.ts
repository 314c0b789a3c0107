/**
 * Faults that must stay local (issue 13 items 2 and 3), on the real control plane with the
 * controller as a subprocess under the BatchController's RBAC:
 *
 * - a run whose Job the API server rejects for good (here a ValidatingAdmissionPolicy)
 *   ends Failed with the server's message, and the valid run behind it starts at once;
 * - a Job the controller created while its Job watch was down, and that was deleted before
 *   the watch came back, does not stall the workload's queue: the API server is restarted,
 *   so the watch resumes from a resourceVersion its new watch cache no longer has (410
 *   Gone), and the relist that follows shows the Job gone.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import {
  ControllerProcess, CONTROLLER_RULES, controllerTestChart, deleteControllerRbac, enqueueCronJob, serviceAccountKubeconfig,
} from './controller-process';
import { restartRigComponent } from './support/faults';
import { apply, createNamespace, deleteNamespace, getObject, KubectlError, kubectl, waitFor } from './support/rig';
import { BatchController, Concurrency, JobOption, ParameterizedJob } from '../../src';

const IMAGE = 'registry.example/tools:1.0';
const ADMITTED_AT = 'cdk8s-batch.dev/admitted-at';

function condition(obj: any, type: string): any {
  return (obj?.status?.conditions ?? []).find((c: any) => c.type === type);
}

function jobRun(name: string, templateRef: Record<string, string>, values: Record<string, string> = {}): any {
  return { apiVersion: 'cdk8s-batch.dev/v1alpha1', kind: 'JobRun', metadata: { name }, spec: { templateRef, values } };
}

describe('controller: one bad run or one lost Job stays local', () => {
  let ns: string;
  let controller: ControllerProcess | undefined;
  const policy = `e2e-no-closed-region-${Math.random().toString(36).slice(2, 7)}`;

  beforeAll(async () => {
    ns = await createNamespace('e2e-ctl-isolation');
  });
  afterAll(async () => {
    await controller?.stop();
    kubectl(['delete', 'validatingadmissionpolicybinding', policy, '--ignore-not-found']);
    kubectl(['delete', 'validatingadmissionpolicy', policy, '--ignore-not-found']);
    deleteControllerRbac(ns);
    deleteNamespace(ns);
  });

  async function startController(extraArgs: string[] = []): Promise<ControllerProcess> {
    await controller?.stop();
    // No leader election: the second test restarts the API server, and a Lease that cannot
    // be renewed meanwhile would end the process (what the failover tests prove).
    controller = await ControllerProcess.start({ namespace: ns, identity: 'ctl-isolation', leaderElect: false, extraArgs });
    await waitFor(async () => (await controller!.readyz())?.ready, 60_000, { description: 'controller ready' });
    return controller;
  }

  test('a run the API server rejects ends Failed with its message; the valid run behind it starts at once', async () => {
    await startController();
    // A platform team's policy, as a cluster would have: Jobs may not run in region "closed".
    apply([
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: policy },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: { resourceRules: [{ apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['jobs'] }] },
          validations: [{
            expression: "!object.spec.template.spec.containers.exists(c, has(c.args) && c.args.exists(a, a == '--region=closed'))",
            message: 'region closed takes no Jobs',
          }],
        },
      },
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: policy },
        spec: {
          policyName: policy,
          validationActions: ['Deny'],
          matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } },
        },
      },
    ]);
    // The policy is in force once the API server denies a Job it matches (a state that lasts).
    const probe = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'probe' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: IMAGE, args: ['--region=closed'] }] } } },
    };
    const denial = await waitFor(() => {
      try {
        kubectl(['create', '--dry-run=server', '-n', ns, '-f', '-'], { input: JSON.stringify(probe) });
        return undefined;
      } catch (e) {
        return e instanceof KubectlError && e.stderr.includes('region closed takes no Jobs') ? e.stderr : undefined;
      }
    }, 30_000, { description: 'the admission policy denies a matching Job' });
    expect(denial).toContain(`ValidatingAdmissionPolicy '${policy}'`);

    const chart = controllerTestChart();
    new ParameterizedJob(chart, 'regional', {
      metadata: { name: 'regional' },
      concurrency: Concurrency.allow(),
      podMetadata: { annotations: { 'e2e.cdk8s-batch.dev/run-duration': '120s' } },
      options: [JobOption.select({ name: 'region', values: ['emea', 'closed'], default: 'emea' })],
      containers: [{ name: 'main', image: IMAGE, args: ['--region=${option.region}'] }],
    });
    apply(Testing.synth(chart), ns);
    // Both in one request: a-denied is the older (or, in the same second, first by name), so
    // the controller decides it first.
    apply([jobRun('a-denied', { name: 'regional' }, { region: 'closed' }), jobRun('b-valid', { name: 'regional' }, { region: 'emea' })], ns);

    const failed = await waitFor(() => {
      const r = getObject('jobrun', 'a-denied', ns);
      return r?.status?.phase === 'Failed' ? r : undefined;
    }, 60_000, { description: 'a-denied Failed' });
    expect(condition(failed, 'Failed')).toMatchObject({ status: 'True', reason: 'JobRejected' });
    expect(condition(failed, 'Failed').message).toContain(`The API server rejected Job ${ns}/a-denied: `);
    expect(condition(failed, 'Failed').message).toContain(`ValidatingAdmissionPolicy '${policy}' with binding '${policy}' denied request: region closed takes no Jobs`);
    expect(condition(failed, 'Accepted')).toMatchObject({ status: 'False', reason: 'JobRejected' });
    expect(getObject('job', 'a-denied', ns)).toBeUndefined();

    const valid = await waitFor(() => {
      const r = getObject('jobrun', 'b-valid', ns);
      return condition(r, 'Accepted')?.status === 'True' ? r : undefined;
    }, 60_000, { description: 'b-valid Accepted' });
    const job = getObject('job', 'b-valid', ns);
    expect(job.spec.template.spec.containers[0].args).toEqual(['--region=emea']);
    // Promptly: the Job exists within 10 s of its JobRun (whole-second timestamps, both the
    // API server's), not after the denied run's retries.
    const delay = Date.parse(job.metadata.creationTimestamp) - Date.parse(valid.metadata.creationTimestamp);
    expect(delay).toBeLessThanOrEqual(10_000);
    // The denied run failed for good at its first attempt: a JobRejected Event, no retry.
    const events = JSON.parse(kubectl(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.name=a-denied', '-o', 'json'])).items;
    expect(events.filter((e: any) => e.reason === 'JobRejected')).toHaveLength(1);
    expect(await controller!.metric('cdk8s_batch_job_runs_total', { namespace: ns, result: 'rejected' })).toBe(1);
    expect(await controller!.metric('cdk8s_batch_job_runs_total', { namespace: ns, result: 'retry' })).toBe(0);
  }, 180_000);

  test('a queued Job is admitted after the Job ahead of it vanished while the Job watch was down (410 Gone, relist)', async () => {
    const ctl = await startController();
    // An Enqueue workload, one at a time; its runs are JobRuns of the CronJob.
    apply(enqueueCronJob('lost', { maxConcurrency: 1, runDuration: '600s' }), ns);
    const ref = { kind: 'CronJob', name: 'lost' };

    // The fault: the controller may no longer watch Jobs (a running watch is not cut by an
    // RBAC change), and the API server restarts, so its Job watch breaks and cannot resume.
    const clusterRole = `cdk8s-batch-controller-e2e-${ns}`;
    const withoutJobWatch = CONTROLLER_RULES.map((r) => (r.resources.includes('jobs') && r.apiGroups.includes('batch')
      ? { ...r, verbs: r.verbs.filter((v) => v !== 'watch') }
      : r));
    expect(withoutJobWatch).not.toEqual(CONTROLLER_RULES);
    apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: clusterRole }, rules: withoutJobWatch });
    // `kubectl auth can-i` answers "no" with exit code 1.
    const canWatch = () => {
      try {
        return kubectl(['auth', 'can-i', 'watch', 'jobs.batch', '-n', ns, `--as=system:serviceaccount:${ns}:cdk8s-batch-controller`]).trim();
      } catch (e) {
        if (e instanceof KubectlError && e.status === 1) return e.stdout.trim();
        throw e;
      }
    };
    await waitFor(() => canWatch() === 'no', 30_000, { description: 'the controller may no longer watch Jobs' });
    const linesBefore = ctl.lines.length;
    await restartRigComponent('kube-apiserver');
    await ctl.waitForLog((l) => ctl.lines.indexOf(l) >= linesBefore && l.informer === 'jobs' && /forbidden/i.test(JSON.stringify(l)), 90_000);

    // Run 1 while the watch is down: the controller creates its Job (queued; whether it is
    // admitted too depends on what else wakes the workload up), then a user deletes it. The
    // controller never sees either happen.
    apply(jobRun('lost-1', ref), ns);
    await waitFor(() => getObject('job', 'lost-1', ns), 60_000, { description: 'Job lost-1 created' });
    kubectl(['delete', 'job', 'lost-1', '-n', ns, '--wait=true']);

    // Run 2 waits behind a Job that no longer exists, as far as the controller saw.
    apply(jobRun('lost-2', ref), ns);
    await waitFor(() => getObject('job', 'lost-2', ns), 60_000, { description: 'Job lost-2 created' });

    // The watch may resume: from a resourceVersion older than the restarted API server's watch
    // cache, so 410 Gone and a relist, which no longer holds lost-1.
    apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: clusterRole }, rules: CONTROLLER_RULES });
    // Bound: the informer's restart back-off (at most 30 s, plus jitter) and a starved CPU.
    const second = await waitFor(() => {
      const j = getObject('job', 'lost-2', ns);
      return j?.metadata.annotations?.[ADMITTED_AT] ? j : undefined;
    }, 120_000, { description: 'Job lost-2 admitted' });
    expect(second.spec.suspend).toBe(false);
    // The run whose Job vanished says so; it is not started again.
    const lost = await waitFor(() => {
      const r = getObject('jobrun', 'lost-1', ns);
      return r?.status?.phase === 'Failed' ? r : undefined;
    }, 60_000, { description: 'JobRun lost-1 Failed' });
    expect(condition(lost, 'Failed')).toMatchObject({ status: 'True', reason: 'JobDeleted' });
    expect(getObject('job', 'lost-1', ns)).toBeUndefined();
  }, 360_000);

  test('namespaced mode: under the BatchController\'s Roles only, the controller acts in its listed namespaces and nowhere else', async () => {
    const [home, teamA, teamB, other] = [
      await createNamespace('e2e-ctl-home'), await createNamespace('e2e-ns-a'), await createNamespace('e2e-ns-b'), await createNamespace('e2e-ns-c'),
    ];
    let ctl: ControllerProcess | undefined;
    let kubeconfig: string | undefined;
    try {
      // The controller's ServiceAccount and RBAC exactly as the construct emits them in
      // namespaced mode: Roles in the watched namespaces, the Lease Role at home.
      const chart = Testing.chart();
      new BatchController(chart, 'controller', {
        namespace: home,
        watchNamespaces: [teamA, teamB],
        createNamespace: false,
        installCrds: false,
        admissionPolicies: false,
        userRoles: false,
        networkPolicy: false,
      });
      const synthesized = Testing.synth(chart);
      const rbac = synthesized.filter((o) => ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind));
      expect(rbac.map((o) => `${o.kind}/${o.metadata.namespace}`).sort()).toEqual([
        `Role/${home}`, `Role/${teamA}`, `Role/${teamB}`, `RoleBinding/${home}`, `RoleBinding/${teamA}`, `RoleBinding/${teamB}`, `ServiceAccount/${home}`,
      ].sort());
      apply(rbac);
      const args: string[] = synthesized.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].args;
      const namespaceArg = args.find((a) => a.startsWith('--namespace='))!;
      expect(namespaceArg).toBe(`--namespace=${[teamA, teamB].sort().join(',')}`);
      const sa = `system:serviceaccount:${home}:cdk8s-batch-controller`;
      const can = (verb: string, resource: string, where: string[]) => {
        try {
          return kubectl(['auth', 'can-i', verb, resource, ...where, `--as=${sa}`]).trim();
        } catch (e) {
          if (e instanceof KubectlError && e.status === 1) return e.stdout.trim();
          throw e;
        }
      };
      await waitFor(() => can('create', 'jobs.batch', ['-n', teamA]) === 'yes', 30_000, { description: 'the Roles are in force' });
      expect(can('list', 'jobs.batch', ['--all-namespaces'])).toBe('no');
      expect(can('create', 'jobs.batch', ['-n', other])).toBe('no');

      kubeconfig = serviceAccountKubeconfig('cdk8s-batch-controller', home);
      // The Deployment's own --namespace value, as the pod would get it.
      ctl = await ControllerProcess.start({
        namespace: namespaceArg.slice('--namespace='.length), leaseNamespace: home, identity: 'ctl-namespaced', kubeconfig,
      });
      await waitFor(async () => (await ctl!.readyz())?.leader, 60_000, { description: 'namespaced controller leads' });

      const template = (target: string) => {
        const c = controllerTestChart();
        new ParameterizedJob(c, 'hello', {
          metadata: { name: 'hello' },
          concurrency: Concurrency.allow(),
          podMetadata: { annotations: { 'e2e.cdk8s-batch.dev/run-duration': '1s' } },
          containers: [{ name: 'main', image: IMAGE, args: ['hello'] }],
        });
        apply(Testing.synth(c), target);
      };
      for (const target of [teamA, teamB, other]) {
        template(target);
        apply(jobRun('hello-1', { name: 'hello' }), target);
      }
      for (const target of [teamA, teamB]) {
        const done = await waitFor(() => {
          const r = getObject('jobrun', 'hello-1', target);
          return r?.status?.phase === 'Succeeded' ? r : undefined;
        }, 90_000, { description: `hello-1 Succeeded in ${target}` });
        expect(condition(done, 'Accepted')).toMatchObject({ status: 'True', reason: 'Started' });
      }
      // Both runs above ended, long after the one elsewhere was created: it was never looked at.
      expect(getObject('jobrun', 'hello-1', other).status).toBeUndefined();
      expect(getObject('job', 'hello-1', other)).toBeUndefined();
      expect(ctl.stderr.join('')).not.toMatch(/forbidden/i);
      expect(ctl.lines.filter((l) => /forbidden/i.test(JSON.stringify(l)))).toEqual([]);
    } finally {
      await ctl?.stop();
      if (kubeconfig) fs.rmSync(path.dirname(kubeconfig), { recursive: true, force: true });
      for (const created of [home, teamA, teamB, other]) deleteNamespace(created);
    }
  }, 300_000);
});
