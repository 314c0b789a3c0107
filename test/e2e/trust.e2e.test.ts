/**
 * The trust model (DESIGN §9, docs/controller.md "Security model") on the real control plane:
 * the admission policies the BatchController emits keep a JobTemplate or JobRun from giving
 * its creator more than RBAC gives them. Users are ServiceAccounts with exactly the rights a
 * case needs, impersonated by the admin (`kubectl --as`); the controller runs, so a request
 * that got through would become a Job, and every denied case asserts that none was made.
 */
import { JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ControllerProcess, controllerTestChart, deleteControllerRbac } from './controller-process';
import { apply, createNamespace, deleteNamespace, getObject, KubectlError, kubectl, listObjects, waitFor } from './support/rig';
import { BatchController, Concurrency, JobOption, ParameterizedJob } from '../../src';

const IMAGE = 'registry.example/tools:1.0';

/** The BatchController's own admission policies, bindings and user roles, as it synthesizes them. */
function trustManifests(): any[] {
  const chart = Testing.chart();
  new BatchController(chart, 'controller', { installCrds: false, createNamespace: false });
  return Testing.synth(chart).filter((o) => o.kind.startsWith('ValidatingAdmissionPolicy')
    || (o.kind === 'ClusterRole' && o.metadata.name.startsWith('cdk8s-batch-') && o.metadata.name !== 'cdk8s-batch-controller'));
}

/** A ParameterizedJob's JobTemplate, as users synthesize it. */
function template(name: string, concurrency: Concurrency, options: { serviceAccount?: string; patch?: (t: ParameterizedJob) => void } = {}): any[] {
  const chart = controllerTestChart();
  const job = new ParameterizedJob(chart, name, {
    metadata: { name },
    concurrency,
    serviceAccount: options.serviceAccount ? kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', options.serviceAccount) : undefined,
    podMetadata: { annotations: { 'e2e.cdk8s-batch.dev/run-duration': '120s' } },
    options: [JobOption.string({ name: 'note', default: 'none' })],
    containers: [{ name: 'main', image: IMAGE, args: ['--note=${option.note}'] }],
  });
  options.patch?.(job);
  return Testing.synth(chart);
}

function jobRun(name: string, templateName: string, spec: Record<string, unknown> = {}): any {
  return { apiVersion: 'cdk8s-batch.dev/v1alpha1', kind: 'JobRun', metadata: { name }, spec: { templateRef: { name: templateName }, ...spec } };
}

const json = (objects: any) => JSON.stringify(Array.isArray(objects) ? { apiVersion: 'v1', kind: 'List', items: objects } : objects);

describe('trust: a JobTemplate or JobRun never gives its creator more than RBAC does', () => {
  let ns: string;
  let controller: ControllerProcess | undefined;
  const user = (name: string) => `system:serviceaccount:${ns}:${name}`;

  /** `kubectl create` as `who`; returns stdout or throws the API server's refusal. */
  function createAs(who: string, objects: any, extra: string[] = []): string {
    return kubectl(['create', '-n', ns, `--as=${user(who)}`, ...extra, '-f', '-'], { input: json(objects) });
  }

  /** The API server's refusal of `createAs`, or a failure when it was accepted. */
  function refusal(who: string, objects: any): string {
    try {
      createAs(who, objects);
    } catch (e) {
      if (e instanceof KubectlError) return e.stderr.trim();
      throw e;
    }
    throw new Error(`${who} was allowed to create ${json(objects)}`);
  }

  /** A ServiceAccount bound to a Role with `rules`. */
  function userWith(name: string, rules: any[]): void {
    apply([
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name }, rules },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
      },
    ], ns);
  }

  const batchRules = (resources: string[], verbs: string[]) => ({ apiGroups: ['cdk8s-batch.dev'], resources, verbs });
  const jobsRule = (verbs: string[]) => ({ apiGroups: ['batch'], resources: ['jobs'], verbs });

  beforeAll(async () => {
    ns = await createNamespace('e2e-trust');
    controller = await ControllerProcess.start({ namespace: ns, identity: 'ctl-trust' });
    apply(trustManifests());
    // What the user has: `create` on the two kinds and nothing else.
    userWith('runner', [batchRules(['jobtemplates', 'jobruns'], ['create'])]);
    // A template author: also `create jobs`.
    userWith('author', [batchRules(['jobtemplates', 'jobruns'], ['create']), jobsRule(['create'])]);
    userWith('forcer', [batchRules(['jobruns'], ['create', 'force'])]);
    userWith('replacer', [batchRules(['jobruns'], ['create']), jobsRule(['delete'])]);
    apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'privileged' } }, ns);
    await waitFor(() => controller!.isLeader(), 30_000, { description: 'controller leads' });
    // The API server loads new policies asynchronously: wait until the first one is in force.
    await waitFor(() => {
      try {
        createAs('runner', template('probe', Concurrency.allow()), ['--dry-run=server']);
        return false;
      } catch (e) {
        return e instanceof KubectlError && e.stderr.includes('may not create jobs.batch');
      }
    }, 30_000, { description: 'the admission policy denies' });
  });
  afterAll(async () => {
    await controller?.stop();
    deleteControllerRbac(ns);
    deleteNamespace(ns);
  });

  const noJobs = (workload: string) => listObjects('jobs', ns, `cdk8s-batch.dev/workload=${workload}`).map((j) => j.metadata.name);

  test('a JobTemplate whose pod uses a privileged ServiceAccount needs `create jobs`: denied without, naming the right; allowed with', async () => {
    const manifests = template('escalate', Concurrency.allow(), { serviceAccount: 'privileged' });
    expect(manifests[0].spec.template.spec.template.spec.serviceAccountName).toBe('privileged');
    expect(refusal('runner', manifests)).toBe(
      'Error from server (Forbidden): error when creating "STDIN": jobtemplates.cdk8s-batch.dev "escalate" is forbidden: '
      + 'ValidatingAdmissionPolicy \'cdk8s-batch-requester-rights\' with binding \'cdk8s-batch-requester-rights\' denied request: '
      + `${user('runner')} may not create jobs.batch in namespace ${ns}: a JobTemplate holds a pod spec that the controller runs as a Job, `
      + 'so creating or changing one needs that right');
    expect(getObject('jobtemplate', 'escalate', ns)).toBeUndefined();

    createAs('author', manifests);
    createAs('author', jobRun('escalate-1', 'escalate'));
    const job: any = await waitFor(() => getObject('job', 'escalate-1', ns), 60_000, { description: 'the run\'s Job' });
    expect(job.spec.template.spec.serviceAccountName).toBe('privileged');
    expect(noJobs('escalate')).toEqual(['escalate-1']);
  });

  test('force: true needs the `force` verb on jobruns: denied without it, started with it', async () => {
    apply(template('exclusive', Concurrency.forbid()), ns);
    expect(refusal('runner', jobRun('exclusive-forced', 'exclusive', { force: true }))).toBe(
      'Error from server (Forbidden): error when creating "STDIN": jobruns.cdk8s-batch.dev "exclusive-forced" is forbidden: '
      + 'ValidatingAdmissionPolicy \'cdk8s-batch-requester-rights\' with binding \'cdk8s-batch-requester-rights\' denied request: '
      + `${user('runner')} may not force jobruns.cdk8s-batch.dev in namespace ${ns}: `
      + 'a JobRun with spec.force: true skips the concurrency policy of its workload, so it needs that verb');
    expect(getObject('jobrun', 'exclusive-forced', ns)).toBeUndefined();
    // Without force the same user may ask for a run: the policy only guards the skip.
    createAs('runner', jobRun('exclusive-1', 'exclusive'));
    createAs('forcer', jobRun('exclusive-2', 'exclusive', { force: true }));
    await waitFor(() => getObject('job', 'exclusive-2', ns), 60_000, { description: 'the forced run\'s Job' });
    await waitFor(() => getObject('job', 'exclusive-1', ns), 60_000, { description: 'the first run\'s Job' });
    expect(noJobs('exclusive').sort()).toEqual(['exclusive-1', 'exclusive-2']);
  });

  test('a JobRun of a Replace workload needs `delete jobs`: denied without, allowed with', async () => {
    apply(template('replaced', Concurrency.replace()), ns);
    expect(refusal('runner', jobRun('replaced-1', 'replaced'))).toBe(
      'Error from server (Forbidden): error when creating "STDIN": jobruns.cdk8s-batch.dev "replaced-1" is forbidden: '
      + 'ValidatingAdmissionPolicy \'cdk8s-batch-replace-jobtemplate\' with binding \'cdk8s-batch-replace-jobtemplate\' denied request: '
      + `${user('runner')} may not delete jobs.batch in namespace ${ns}: a JobRun of replaced (concurrency policy Replace) `
      + 'deletes its running Jobs, so it needs that right');
    expect(getObject('jobrun', 'replaced-1', ns)).toBeUndefined();
    expect(noJobs('replaced')).toEqual([]);
    createAs('replacer', jobRun('replaced-2', 'replaced'));
    await waitFor(() => getObject('job', 'replaced-2', ns), 60_000, { description: 'the allowed run\'s Job' });
  });

  test('a JobTemplate cannot claim another workload, by spec.workload.name or by label', () => {
    apply(template('victim', Concurrency.enqueue({ maxConcurrency: 1 })), ns);
    const bySpec = template('thief', Concurrency.allow(), { patch: (t) => t.apiObject.addJsonPatch(JsonPatch.replace('/spec/workload/name', 'victim')) });
    expect(bySpec[0].spec.workload.name).toBe('victim');
    expect(refusal('author', bySpec)).toBe(
      'The JobTemplate "thief" is invalid: spec.workload.name: Invalid value: '
      + 'must be the JobTemplate\'s own name: a template belongs to the workload of its name');
    const byLabel = template('thief', Concurrency.allow(), { patch: (t) => t.apiObject.metadata.addLabel('cdk8s-batch.dev/workload', 'victim') });
    expect(refusal('author', byLabel)).toBe(
      'The jobtemplates "thief" is invalid: : '
      + 'ValidatingAdmissionPolicy \'cdk8s-batch-requester-rights\' with binding \'cdk8s-batch-requester-rights\' denied request: '
      + 'JobTemplate thief has the label cdk8s-batch.dev/workload: victim, another workload: a JobTemplate belongs to the workload of its own name');
    expect(getObject('jobtemplate', 'thief', ns)).toBeUndefined();
    expect(noJobs('victim')).toEqual([]);
    expect(noJobs('thief')).toEqual([]);
  });

  test('run-time values are data: $( reaches the Job as $$(, so the kubelet expands nothing', async () => {
    apply(template('echo', Concurrency.allow()), ns);
    createAs('runner', jobRun('echo-1', 'echo', { values: { note: '$(DB_PASSWORD)' } }));
    const job: any = await waitFor(() => getObject('job', 'echo-1', ns), 60_000, { description: 'the run\'s Job' });
    expect(job.spec.template.spec.containers[0].args).toEqual(['--note=$$(DB_PASSWORD)']);
    expect(getObject('jobrun', 'echo-1', ns).status.values).toEqual({ note: '$(DB_PASSWORD)' });
  });

  test('JobRun values are bounded in count and length, with the API server\'s message', () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, 'x']));
    expect(refusal('runner', jobRun('echo-many', 'echo', { values: many }))).toBe('The JobRun "echo-many" is invalid: \n'
      + '* spec.values: Too many: 101: must have at most 100 items\n'
      + '* <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation');
    expect(refusal('runner', jobRun('echo-long', 'echo', { values: { note: 'x'.repeat(4097) } }))).toBe('The JobRun "echo-long" is invalid: \n'
      + '* spec.values.note: Too long: may not be more than 4096 bytes\n'
      + '* <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation');
    expect(noJobs('echo').filter((n) => n !== 'echo-1')).toEqual([]);
  });

  test('edit and view get the aggregated cdk8s-batch roles', async () => {
    const edit = await waitFor(() => {
      const role = getObject('clusterrole', 'edit');
      return (role?.rules ?? []).some((r: any) => (r.verbs ?? []).includes('force')) ? role : undefined;
    }, 30_000, { description: 'edit aggregates cdk8s-batch-edit' });
    expect(edit.rules).toContainEqual({ apiGroups: ['cdk8s-batch.dev'], resources: ['jobruns'], verbs: ['force'] });
    const view = await waitFor(() => {
      const role = getObject('clusterrole', 'view');
      return (role?.rules ?? []).some((r: any) => (r.resources ?? []).includes('jobtemplates')) ? role : undefined;
    }, 30_000, { description: 'view aggregates cdk8s-batch-view' });
    expect(view.rules).toContainEqual({ apiGroups: ['cdk8s-batch.dev'], resources: ['jobtemplates', 'jobruns', 'jobruns/status'], verbs: ['get', 'list', 'watch'] });
  });
});
