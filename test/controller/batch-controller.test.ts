import { Testing } from 'cdk8s';
import { BatchController, CONTROLLER_CLUSTER_RULES, Concurrency, Schedule, ScheduledBatch } from '../../src';
import { warningsOf } from '../../src/warnings';
import { validateManifest } from '../support/kube-schema';

describe('BatchController', () => {
  test('emits namespace, CRDs, ServiceAccount, RBAC, Deployment, Service and PDB', () => {
    const chart = Testing.chart();
    new BatchController(chart, 'controller', { imageTag: '1.2.3' });
    const objects = validateManifest(Testing.synth(chart));
    expect(objects).toMatchSnapshot();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole/cdk8s-batch-controller',
      'ClusterRole/cdk8s-batch-edit',
      'ClusterRole/cdk8s-batch-view',
      'ClusterRoleBinding/cdk8s-batch-controller',
      'CustomResourceDefinition/jobruns.cdk8s-batch.dev',
      'CustomResourceDefinition/jobtemplates.cdk8s-batch.dev',
      'Deployment/cdk8s-batch-controller',
      'Namespace/cdk8s-batch-system',
      'NetworkPolicy/cdk8s-batch-controller',
      'PodDisruptionBudget/cdk8s-batch-controller',
      'Role/cdk8s-batch-controller-leader-election',
      'RoleBinding/cdk8s-batch-controller-leader-election',
      'Service/cdk8s-batch-controller-metrics',
      'ServiceAccount/cdk8s-batch-controller',
      'ValidatingAdmissionPolicy/cdk8s-batch-kill-at',
      'ValidatingAdmissionPolicy/cdk8s-batch-replace-cronjob',
      'ValidatingAdmissionPolicy/cdk8s-batch-replace-job',
      'ValidatingAdmissionPolicy/cdk8s-batch-replace-jobtemplate',
      'ValidatingAdmissionPolicy/cdk8s-batch-requester-rights',
      'ValidatingAdmissionPolicyBinding/cdk8s-batch-kill-at',
      'ValidatingAdmissionPolicyBinding/cdk8s-batch-replace-cronjob',
      'ValidatingAdmissionPolicyBinding/cdk8s-batch-replace-job',
      'ValidatingAdmissionPolicyBinding/cdk8s-batch-replace-jobtemplate',
      'ValidatingAdmissionPolicyBinding/cdk8s-batch-requester-rights',
    ]);
    // The namespace comes before the objects in it.
    const nsIndex = objects.findIndex((o) => o.kind === 'Namespace');
    objects.forEach((o, i) => { if (o.metadata.namespace) expect(i).toBeGreaterThan(nsIndex); });
    expect(objects[nsIndex].metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');

    const deployment = objects.find((o) => o.kind === 'Deployment');
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    const [container] = pod.containers;
    expect(container.image).toBe('ghcr.io/cdk8s-batch/cdk8s-batch-controller:1.2.3');
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] },
    });
    expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '256Mi' }, limits: { memory: '256Mi' } });
    expect(container.args).toEqual(['--leader-elect', '--metrics-bind=0.0.0.0:8080', '--health-bind=0.0.0.0:8081']);

    const clusterRole = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'cdk8s-batch-controller');
    expect(clusterRole.rules).toEqual([
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
      { apiGroups: ['batch'], resources: ['cronjobs'], verbs: ['list', 'watch', 'patch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch', 'patch'] },
      { apiGroups: [''], resources: ['pods/status'], verbs: ['patch'] },
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create'] },
      { apiGroups: ['cdk8s-batch.dev'], resources: ['jobruns'], verbs: ['list', 'watch', 'delete'] },
      { apiGroups: ['cdk8s-batch.dev'], resources: ['jobruns/status'], verbs: ['patch'] },
      { apiGroups: ['cdk8s-batch.dev'], resources: ['jobtemplates'], verbs: ['list', 'watch'] },
    ]);
    expect(CONTROLLER_CLUSTER_RULES.every((r) => r.why.length > 0)).toBe(true);
    // Least privilege: no wildcards, no secrets, no cluster-wide writes beyond what is listed.
    const everything = JSON.stringify(clusterRole.rules);
    expect(everything).not.toContain('*');
    expect(everything).not.toContain('secrets');
    const leases = objects.find((o) => o.kind === 'Role');
    expect(leases.metadata.namespace).toBe('cdk8s-batch-system');
    expect(leases.rules).toEqual([{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }]);
  });

  test('admission policies: the requester needs the rights the controller would use for them', () => {
    const chart = Testing.chart();
    new BatchController(chart, 'controller');
    const objects = Testing.synth(chart);
    const policy = (name: string) => objects.find((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === name).spec;
    const binding = (name: string) => objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === name).spec;

    const rights = policy('cdk8s-batch-requester-rights');
    expect(rights.failurePolicy).toBe('Fail');
    expect(rights.matchConstraints.resourceRules).toEqual([
      { apiGroups: ['cdk8s-batch.dev'], apiVersions: ['*'], resources: ['jobtemplates'], operations: ['CREATE', 'UPDATE'] },
      { apiGroups: ['cdk8s-batch.dev'], apiVersions: ['*'], resources: ['jobruns'], operations: ['CREATE'] },
    ]);
    expect(rights.validations.map((v: any) => v.expression)).toEqual([
      "!(request.resource.resource == 'jobtemplates') || authorizer.group('batch').resource('jobs').namespace(request.namespace).check('create').allowed()",
      "!(request.resource.resource == 'jobruns') || !has(object.spec.force) || !object.spec.force || "
        + "authorizer.group('cdk8s-batch.dev').resource('jobruns').namespace(request.namespace).check('force').allowed()",
      "!(request.resource.resource == 'jobtemplates') || !has(object.metadata.labels) || !('cdk8s-batch.dev/workload' in object.metadata.labels) || "
        + "object.metadata.labels['cdk8s-batch.dev/workload'] == object.metadata.name",
    ]);
    expect(rights.validations[0].messageExpression).toBe("request.userInfo.username + ' may not create jobs.batch in namespace ' + request.namespace + "
      + "': a JobTemplate holds a pod spec that the controller runs as a Job, so creating or changing one needs that right'");
    expect(binding('cdk8s-batch-requester-rights')).toEqual({ policyName: 'cdk8s-batch-requester-rights', validationActions: ['Deny'] });

    // Replace: each JobTemplate (CronJob) of the request's namespace is a param; none found allows.
    const template = policy('cdk8s-batch-replace-jobtemplate');
    expect(template.paramKind).toEqual({ apiVersion: 'cdk8s-batch.dev/v1alpha1', kind: 'JobTemplate' });
    expect(template.validations[0].expression).toBe("!has(params.spec.concurrency) || params.spec.concurrency.policy != 'Replace' || "
      + "object.spec.templateRef.name != params.metadata.name || authorizer.group('batch').resource('jobs').namespace(request.namespace).check('delete').allowed()");
    const cronJob = policy('cdk8s-batch-replace-cronjob');
    expect(cronJob.paramKind).toEqual({ apiVersion: 'batch/v1', kind: 'CronJob' });
    expect(cronJob.matchConditions).toEqual([{ name: 'runs-a-cronjob', expression: "!(!has(object.spec.templateRef.kind) || object.spec.templateRef.kind == 'JobTemplate')" }]);
    for (const name of ['cdk8s-batch-replace-jobtemplate', 'cdk8s-batch-replace-cronjob']) {
      expect(binding(name)).toEqual({ policyName: name, validationActions: ['Deny'], paramRef: { selector: {}, parameterNotFoundAction: 'Allow' } });
    }

    // Jobs of workloads: a Replace-across-CronJobs stamp needs `delete jobs`; kill-at needs
    // `patch jobs` and the requester's own name.
    const workloadJobs = {
      resourceRules: [{ apiGroups: ['batch'], apiVersions: ['*'], resources: ['jobs'], operations: ['CREATE', 'UPDATE'] }],
      objectSelector: { matchExpressions: [{ key: 'cdk8s-batch.dev/workload', operator: 'Exists' }] },
    };
    const replaceJob = policy('cdk8s-batch-replace-job');
    expect(replaceJob.matchConstraints).toEqual(workloadJobs);
    expect(replaceJob.validations.map((v: any) => v.expression)).toEqual([
      "authorizer.group('batch').resource('jobs').namespace(request.namespace).check('delete').allowed()",
    ]);
    expect(replaceJob.validations[0].messageExpression).toBe("request.userInfo.username + ' may not delete jobs.batch in namespace ' + request.namespace + "
      + "': a Job with cdk8s-batch.dev/concurrency-policy: Replace makes the controller delete the older running Jobs of its workload ' + "
      + "object.metadata.labels['cdk8s-batch.dev/workload'] + ', so creating one needs that right'");
    const killAt = policy('cdk8s-batch-kill-at');
    expect(killAt.matchConstraints).toEqual(workloadJobs);
    expect(killAt.validations.map((v: any) => v.expression)).toEqual([
      "authorizer.group('batch').resource('jobs').namespace(request.namespace).check('patch').allowed()",
      "(has(object.metadata.annotations) && 'cdk8s-batch.dev/kill-requested-by' in object.metadata.annotations ? "
        + "object.metadata.annotations['cdk8s-batch.dev/kill-requested-by'] : '') == request.userInfo.username",
    ]);
    for (const name of ['cdk8s-batch-replace-job', 'cdk8s-batch-kill-at']) {
      expect(binding(name)).toEqual({ policyName: name, validationActions: ['Deny'] });
    }

    const role = (name: string) => objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === name);
    expect(role('cdk8s-batch-edit').metadata.labels).toMatchObject({
      'rbac.authorization.k8s.io/aggregate-to-edit': 'true', 'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
    });
    expect(role('cdk8s-batch-edit').rules).toEqual([
      { apiGroups: ['cdk8s-batch.dev'], resources: ['jobtemplates', 'jobruns'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] },
      { apiGroups: ['cdk8s-batch.dev'], resources: ['jobruns'], verbs: ['force'] },
    ]);
    expect(role('cdk8s-batch-view').metadata.labels).toMatchObject({ 'rbac.authorization.k8s.io/aggregate-to-view': 'true' });
    expect(role('cdk8s-batch-view').rules).toEqual([
      { apiGroups: ['cdk8s-batch.dev'], resources: ['jobtemplates', 'jobruns', 'jobruns/status'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  test('admission policies and user roles can be left out (clusters before 1.30, roles managed elsewhere)', () => {
    const chart = Testing.chart();
    new BatchController(chart, 'controller', { admissionPolicies: false, userRoles: false });
    const names = Testing.synth(chart).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names.filter((n) => n.startsWith('Validating'))).toEqual([]);
    expect(names.filter((n) => n.startsWith('ClusterRole/'))).toEqual(['ClusterRole/cdk8s-batch-controller']);
  });

  test('one replica has no PDB; namespace and CRDs can be left to others', () => {
    const chart = Testing.chart();
    new BatchController(chart, 'controller', { replicas: 1, createNamespace: false, installCrds: false, namespace: 'ops' });
    const kinds = Testing.synth(chart).map((o) => o.kind);
    expect(kinds).not.toContain('PodDisruptionBudget');
    expect(kinds).not.toContain('Namespace');
    expect(kinds).not.toContain('CustomResourceDefinition');
  });

  test('jobRunHistoryLimit reaches the controller as --jobrun-history-limit; its RBAC may delete JobRuns', () => {
    const chart = Testing.chart();
    new BatchController(chart, 'controller', { jobRunHistoryLimit: 20 });
    const objects = Testing.synth(chart);
    const deployment = objects.find((o) => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.containers[0].args).toEqual(['--leader-elect', '--metrics-bind=0.0.0.0:8080', '--health-bind=0.0.0.0:8081', '--jobrun-history-limit=20']);
    const role = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'cdk8s-batch-controller');
    expect(role.rules).toContainEqual({ apiGroups: ['cdk8s-batch.dev'], resources: ['jobruns'], verbs: ['list', 'watch', 'delete'] });
  });

  test('metrics and probes listen apart; the NetworkPolicy admits only the listed scrapers, to the metrics port', () => {
    const objects = (props: object) => {
      const chart = Testing.chart();
      new BatchController(chart, 'controller', props);
      return Testing.synth(chart);
    };
    const byDefault = objects({});
    const container = byDefault.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0];
    expect(container.ports).toEqual([
      { name: 'metrics', containerPort: 8080, protocol: 'TCP' },
      { name: 'health', containerPort: 8081, protocol: 'TCP' },
    ]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    const policy = byDefault.find((o) => o.kind === 'NetworkPolicy');
    expect(policy.metadata).toMatchObject({ name: 'cdk8s-batch-controller', namespace: 'cdk8s-batch-system' });
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'cdk8s-batch-controller', 'app.kubernetes.io/part-of': 'cdk8s-batch' } },
      policyTypes: ['Ingress'],
      ingress: [],
    });

    const scraped = objects({ metricsBindAddress: '0.0.0.0:9090', metricsScraperNamespaces: ['monitoring', 'aa-prom', 'monitoring'] });
    expect(scraped.find((o) => o.kind === 'NetworkPolicy').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['aa-prom', 'monitoring'] }] } }],
      ports: [{ protocol: 'TCP', port: 9090 }],
    }]);
    expect(scraped.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].args[1]).toBe('--metrics-bind=0.0.0.0:9090');
    expect(scraped.find((o) => o.kind === 'Service').spec.ports).toEqual([{ name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' }]);

    const loopback = objects({ metricsBindAddress: '127.0.0.1:8080', networkPolicy: false });
    expect(loopback.find((o) => o.kind === 'NetworkPolicy')).toBeUndefined();
    expect(loopback.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].args[1]).toBe('--metrics-bind=127.0.0.1:8080');
  });

  test('namespaced mode: --namespace with the list, a Role and RoleBinding in each namespace, no ClusterRole for the controller', () => {
    const chart = Testing.chart();
    new BatchController(chart, 'controller', { watchNamespaces: ['team-b', 'team-a', 'team-b'] });
    const objects = validateManifest(Testing.synth(chart));
    expect(objects.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].args)
      .toEqual(['--leader-elect', '--metrics-bind=0.0.0.0:8080', '--health-bind=0.0.0.0:8081', '--namespace=team-a,team-b']);
    expect(objects.filter((o) => o.metadata.name === 'cdk8s-batch-controller' && o.kind.startsWith('ClusterRole'))).toEqual([]);
    const roles = objects.filter((o) => o.kind === 'Role' && o.metadata.name === 'cdk8s-batch-controller');
    expect(roles.map((r) => r.metadata.namespace)).toEqual(['team-a', 'team-b']);
    expect(roles[0].rules).toEqual(CONTROLLER_CLUSTER_RULES.map(({ apiGroups, resources, verbs }) => ({ apiGroups, resources, verbs })));
    const bindings = objects.filter((o) => o.kind === 'RoleBinding' && o.metadata.name === 'cdk8s-batch-controller');
    expect(bindings.map((b) => [b.metadata.namespace, b.roleRef.kind, b.roleRef.name, b.subjects])).toEqual(['team-a', 'team-b'].map((n) => [
      n, 'Role', 'cdk8s-batch-controller', [{ kind: 'ServiceAccount', name: 'cdk8s-batch-controller', namespace: 'cdk8s-batch-system' }],
    ]));
  });

  test('workloads in the same app find it and do not warn', () => {
    const chart = Testing.chart();
    new BatchController(chart, 'controller');
    const batch = new ScheduledBatch(chart, 'q', {
      schedule: Schedule.daily(), concurrency: Concurrency.enqueue(), containers: [{ image: 'x' }],
    });
    Testing.synth(chart);
    expect(warningsOf(batch)).toEqual([]);
  });

  test.each([
    [{ replicas: 0 }, 'test/c: replicas: must be a whole number from 1 to 10 (got "0"). Use 2 for a standby replica, or 1.'],
    [{ jobRunHistoryLimit: 0 }, 'test/c: jobRunHistoryLimit: must be a whole number from 1 to 100000 (got "0"). Keep at least one finished JobRun per template, e.g. 100 (the default).'],
    [{ jobRunHistoryLimit: 2.5 }, 'test/c: jobRunHistoryLimit: must be a whole number from 1 to 100000 (got "2.5"). Keep at least one finished JobRun per template, e.g. 100 (the default).'],
    [{ metricsBindAddress: ':8080' }, 'test/c: metricsBindAddress: must be an IP address and a port other than 8081 (the probes\' port) (got ":8080"). Use "0.0.0.0:8080" (the pod IP) or "127.0.0.1:8080" (loopback only).'],
    [{ metricsBindAddress: '0.0.0.0:8081' }, 'test/c: metricsBindAddress: must be an IP address and a port other than 8081 (the probes\' port) (got "0.0.0.0:8081"). Use "0.0.0.0:8080" (the pod IP) or "127.0.0.1:8080" (loopback only).'],
    [{ metricsScraperNamespaces: ['Monitoring'] }, 'test/c: metricsScraperNamespaces[0]: is not a lowercase RFC 1123 label (lower case letters, digits and "-", starting and ending with a letter or digit) (got "Monitoring"). Use a name such as "nightly-report".'],
    [{ watchNamespaces: [] }, 'test/c: watchNamespaces: must name at least one namespace (got "[]"). List the namespaces the controller may act in, or leave watchNamespaces out for all namespaces.'],
    [{ watchNamespaces: ['ok', 'Not_OK'] }, 'test/c: watchNamespaces[1]: is not a lowercase RFC 1123 label (lower case letters, digits and "-", starting and ending with a letter or digit) (got "Not_OK"). Use a name such as "nightly-report".'],
    [{ namespace: 'Ops' }, 'test/c: namespace: is not a lowercase RFC 1123 label (lower case letters, digits and "-", starting and ending with a letter or digit) (got "Ops"). Use a name such as "nightly-report".'],
  ])('rejects %j', (props, message) => {
    expect(() => new BatchController(Testing.chart(), 'c', props)).toThrow(message);
  });
});
