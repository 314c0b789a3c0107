import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { BatchValidationError, locating } from '../errors';
import { admissionPolicies, userClusterRoles } from './admission-policy';
import { BatchCustomResourceDefinitions } from './batch-crds';
import { markAsBatchController } from './presence';
import { API_GROUP } from '../contract/keys';
import { KUBERNETES_FEATURES, KubernetesVersion, requireKubernetes } from '../kube/kubernetes-version';
import { checkObjectName } from '../kube/validation';

/**
 * Properties of the `BatchController`.
 */
export interface BatchControllerProps {
  /**
   * The namespace the controller runs in.
   *
   * @default 'cdk8s-batch-system'
   */
  readonly namespace?: string;

  /**
   * Whether to emit the Namespace object (turn off when the namespace is managed elsewhere).
   *
   * @default true
   */
  readonly createNamespace?: boolean;

  /**
   * Whether to emit the JobTemplate and JobRun CRDs (turn off when another app installs them,
   * e.g. with `BatchCustomResourceDefinitions`).
   *
   * @default true
   */
  readonly installCrds?: boolean;

  /**
   * The controller image repository.
   *
   * @default 'ghcr.io/cdk8s-batch/cdk8s-batch-controller'
   */
  readonly imageRepository?: string;

  /**
   * The controller image tag.
   *
   * @default - the version of this library, so that controller and constructs match
   */
  readonly imageTag?: string;

  /**
   * How many controller pods run. With more than one, a Lease elects the active one, the
   * others stand by, and a PodDisruptionBudget keeps one available.
   *
   * @default 2
   */
  readonly replicas?: number;

  /**
   * CPU request of the controller container (it also sets no CPU limit, to avoid throttling).
   *
   * @default '50m'
   */
  readonly cpuRequest?: string;

  /**
   * Memory request and limit of the controller container.
   *
   * @default '256Mi'
   */
  readonly memory?: string;

  /**
   * Whether to emit the admission policies that keep the controller from being a way around
   * RBAC: creating a JobTemplate needs `create jobs`, a JobRun of a `Replace` workload needs
   * `delete jobs`, `force: true` needs the `force` verb on `jobruns` (docs/controller.md,
   * "Security model"). They are `ValidatingAdmissionPolicy` objects, which need Kubernetes
   * 1.30 or later (checked against the target Kubernetes version at synth); without them,
   * anyone who may create a JobTemplate and a JobRun can run any pod with the controller's
   * rights.
   *
   * @default true
   */
  readonly admissionPolicies?: boolean;

  /**
   * The oldest Kubernetes the controller's objects must work on (docs/kubernetes-versions.md).
   *
   * @default - the context key `cdk8s-batch.dev/kubernetes-version` of the chart or app, else `KubernetesVersion.DEFAULT`
   */
  readonly kubernetesVersion?: KubernetesVersion;

  /**
   * Whether to emit the user ClusterRoles `cdk8s-batch-edit` (aggregated into `edit` and
   * `admin`) and `cdk8s-batch-view` (aggregated into `view`).
   *
   * @default true
   */
  readonly userRoles?: boolean;

  /**
   * How many finished JobRuns (Succeeded, Failed or Refused) the controller keeps per
   * JobTemplate or CronJob; it deletes older ones, and their Jobs with them, so that ad-hoc
   * runs never pile up (the controller's `--jobrun-history-limit`).
   *
   * @default 100
   */
  readonly jobRunHistoryLimit?: number;

  /**
   * Where the controller serves `/metrics` (`host:port`; the controller's `--metrics-bind`).
   * The kubelet's probes (`/healthz`, `/readyz`) have a listener of their own on port 8081,
   * so metrics can be kept on loopback (`127.0.0.1:8080`: reachable only with
   * `kubectl port-forward`) without breaking the probes.
   *
   * @default '0.0.0.0:8080' (the pod IP, for Prometheus; the NetworkPolicy decides who may connect)
   */
  readonly metricsBindAddress?: string;

  /**
   * Whether to emit a NetworkPolicy that admits no traffic to the controller pods but
   * `/metrics` from `metricsScraperNamespaces` (the kubelet's probes come from the node,
   * which a NetworkPolicy does not block). Needs a network plugin that enforces
   * NetworkPolicy; turn it off to manage ingress yourself.
   *
   * @default true
   */
  readonly networkPolicy?: boolean;

  /**
   * Namespaces whose pods may scrape `/metrics` (e.g. `['monitoring']`), through the
   * NetworkPolicy.
   *
   * @default - none: only `kubectl port-forward` reaches the metrics
   */
  readonly metricsScraperNamespaces?: string[];

  /**
   * Namespaced mode: the controller watches and acts only in these namespaces, with a Role
   * and RoleBinding in each instead of a cluster-wide ClusterRole (for teams that may not
   * install cluster-wide controllers). Workloads and JobRuns elsewhere are ignored.
   *
   * @default - all namespaces, with a ClusterRole
   */
  readonly watchNamespaces?: string[];
}

/** Default port of /metrics. */
export const CONTROLLER_HTTP_PORT = 8080;
/** Port of /healthz and /readyz (the kubelet's probes). */
export const CONTROLLER_HEALTH_PORT = 8081;
const NAME = 'cdk8s-batch-controller';
const DEFAULT_NAMESPACE = 'cdk8s-batch-system';

/**
 * The RBAC rules of the controller: exactly the verbs and resources it uses, each with the
 * reason (docs/controller.md lists the same).
 */
export const CONTROLLER_CLUSTER_RULES: Array<{ apiGroups: string[]; resources: string[]; verbs: string[]; why: string }> = [
  {
    apiGroups: ['batch'],
    resources: ['jobs'],
    verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'],
    why: 'watch runs (get: a pod\'s Job missing from the cache); create the Job of a JobRun; admit queued Jobs (patch suspend); ' +
      'delete Jobs beyond the queue cap or replaced by a JobRun (Replace)',
  },
  {
    apiGroups: ['batch'],
    resources: ['cronjobs'],
    verbs: ['list', 'watch', 'patch'],
    why: 'read Enqueue and run-window annotations; keep spec.suspend in step with the run window',
  },
  {
    apiGroups: [''],
    resources: ['pods'],
    verbs: ['list', 'watch', 'patch'],
    why: 'find pods Pending past their timeout, and a gated pod\'s failed predecessors; remove the retry-delay scheduling gate when the delay has passed',
  },
  { apiGroups: [''], resources: ['pods/status'], verbs: ['patch'], why: 'fail a pod Pending past its timeout, so it counts as one attempt' },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create'], why: 'explain admissions, drops, suspensions, timeouts and runs' },
  {
    apiGroups: [API_GROUP],
    resources: ['jobruns'],
    verbs: ['list', 'watch', 'delete'],
    why: 'see ad-hoc run requests; delete finished ones beyond the history limit (their Jobs go with them)',
  },
  { apiGroups: [API_GROUP], resources: ['jobruns/status'], verbs: ['patch'], why: 'report a run\'s progress and outcome' },
  { apiGroups: [API_GROUP], resources: ['jobtemplates'], verbs: ['list', 'watch'], why: 'read the template a JobRun names' },
];

/**
 * The cdk8s-batch companion controller: namespace, CRDs, ServiceAccount, least-privilege
 * RBAC, the Deployment, a metrics Service and (with more than one replica) a
 * PodDisruptionBudget. It carries out Enqueue, run windows, pending timeouts and JobRuns.
 *
 * Workloads in the same app find it; without one they warn at synth when they use a
 * controller-only feature.
 */
export class BatchController extends Construct {
  /** The namespace the controller runs in. */
  public readonly namespace: string;
  /** The image the controller runs. */
  public readonly image: string;
  /** The Deployment. */
  public readonly deployment: ApiObject;

  constructor(scope: Construct, id: string, props: BatchControllerProps = {}) {
    super(scope, id);
    markAsBatchController(this);
    this.namespace = props.namespace ?? DEFAULT_NAMESPACE;
    const replicas = props.replicas ?? 2;
    const historyLimit = props.jobRunHistoryLimit;
    const metricsBind = props.metricsBindAddress ?? `0.0.0.0:${CONTROLLER_HTTP_PORT}`;
    let metricsPort = CONTROLLER_HTTP_PORT;
    const scrapers = [...new Set(props.metricsScraperNamespaces ?? [])].sort();
    const watched = props.watchNamespaces === undefined ? undefined : [...new Set(props.watchNamespaces)].sort();
    locating(this, () => {
      if (watched?.length === 0) {
        throw new BatchValidationError('watchNamespaces', '[]', 'must name at least one namespace',
          'List the namespaces the controller may act in, or leave watchNamespaces out for all namespaces.');
      }
      (props.watchNamespaces ?? []).forEach((n, i) => checkObjectName(`watchNamespaces[${i}]`, n, 63, 'namespaces are DNS labels'));
      metricsPort = checkBindAddress('metricsBindAddress', metricsBind);
      (props.metricsScraperNamespaces ?? []).forEach((n, i) => checkObjectName(`metricsScraperNamespaces[${i}]`, n, 63, 'namespaces are DNS labels'));
      if (historyLimit !== undefined && (!Number.isInteger(historyLimit) || historyLimit < 1 || historyLimit > 100_000)) {
        throw new BatchValidationError('jobRunHistoryLimit', String(historyLimit), 'must be a whole number from 1 to 100000',
          'Keep at least one finished JobRun per template, e.g. 100 (the default).');
      }
      checkObjectName('namespace', this.namespace, 63, 'namespaces are DNS labels');
      if (!Number.isInteger(replicas) || replicas < 1 || replicas > 10) {
        throw new BatchValidationError('replicas', String(replicas), 'must be a whole number from 1 to 10',
          'Use 2 for a standby replica, or 1.');
      }
    });
    this.image = `${props.imageRepository ?? 'ghcr.io/cdk8s-batch/cdk8s-batch-controller'}:${props.imageTag ?? libraryVersion()}`;
    const labels = { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/part-of': 'cdk8s-batch' };
    const meta = { namespace: this.namespace, labels };

    const ns = props.createNamespace ?? true
      ? new k8s.KubeNamespace(this, 'Namespace', {
        metadata: { name: this.namespace, labels: { ...labels, 'pod-security.kubernetes.io/enforce': 'restricted' } },
      })
      : undefined;
    if (props.installCrds ?? true) {
      new BatchCustomResourceDefinitions(this, 'Crds');
    }

    if (props.admissionPolicies ?? true) {
      // ValidatingAdmissionPolicy is GA in 1.30: below, the API server has no such kind (or only behind a gate).
      this.node.addValidation({
        validate: () => {
          let target: KubernetesVersion;
          try {
            target = KubernetesVersion.targetOf(this, props.kubernetesVersion);
          } catch (e) {
            return [e instanceof Error ? e.message : String(e)];
          }
          const problem = requireKubernetes(target, KUBERNETES_FEATURES.admissionPolicies, 'admissionPolicies');
          return problem ? [problem] : [];
        },
      });
      for (const obj of admissionPolicies()) {
        new ApiObject(this, `${obj.kind}-${obj.metadata.name}`, { ...obj, apiVersion: obj.apiVersion, kind: obj.kind, metadata: { ...obj.metadata, labels } });
      }
    }
    if (props.userRoles ?? true) {
      for (const obj of userClusterRoles()) {
        new ApiObject(this, `UserRole-${obj.metadata.name}`, { ...obj, apiVersion: obj.apiVersion, kind: obj.kind, metadata: { ...obj.metadata, labels: { ...obj.metadata.labels, ...labels } } });
      }
    }

    const sa = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { ...meta, name: NAME }, automountServiceAccountToken: true });
    const rules = CONTROLLER_CLUSTER_RULES.map(({ apiGroups, resources, verbs }) => ({ apiGroups, resources, verbs }));
    if (watched) {
      // Namespaced mode: the same rules, granted only where the controller acts.
      for (const target of watched) {
        const role = new k8s.KubeRole(this, `Role-${target}`, { metadata: { name: NAME, namespace: target, labels }, rules });
        new k8s.KubeRoleBinding(this, `RoleBinding-${target}`, {
          metadata: { name: NAME, namespace: target, labels },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
          subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace: this.namespace }],
        });
      }
    } else {
      const clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', { metadata: { name: NAME, labels }, rules });
      new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
        metadata: { name: NAME, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole.name },
        subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace: this.namespace }],
      });
    }
    // Leader election needs Leases only in the controller's own namespace.
    const leaseRole = new k8s.KubeRole(this, 'LeaderElectionRole', {
      metadata: { ...meta, name: `${NAME}-leader-election` },
      rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }],
    });
    new k8s.KubeRoleBinding(this, 'LeaderElectionRoleBinding', {
      metadata: { ...meta, name: `${NAME}-leader-election` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: leaseRole.name },
      subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace: this.namespace }],
    });

    const memory = props.memory ?? '256Mi';
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { ...meta, name: NAME },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: sa.name,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 30,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: 'controller',
              image: this.image,
              imagePullPolicy: 'IfNotPresent',
              args: [
                '--leader-elect',
                `--metrics-bind=${metricsBind}`,
                `--health-bind=0.0.0.0:${CONTROLLER_HEALTH_PORT}`,
                ...(historyLimit !== undefined ? [`--jobrun-history-limit=${historyLimit}`] : []),
                ...(watched ? [`--namespace=${watched.join(',')}`] : []),
              ],
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              ],
              ports: [
                { name: 'metrics', containerPort: metricsPort, protocol: 'TCP' },
                { name: 'health', containerPort: CONTROLLER_HEALTH_PORT, protocol: 'TCP' },
              ],
              readinessProbe: { httpGet: { path: '/readyz', port: k8s.IntOrString.fromString('health') }, periodSeconds: 5 },
              livenessProbe: { httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('health') }, periodSeconds: 10, failureThreshold: 3 },
              resources: {
                requests: { cpu: k8s.Quantity.fromString(props.cpuRequest ?? '50m'), memory: k8s.Quantity.fromString(memory) },
                limits: { memory: k8s.Quantity.fromString(memory) },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
              },
            }],
          },
        },
      },
    });

    new k8s.KubeService(this, 'MetricsService', {
      metadata: { ...meta, name: `${NAME}-metrics` },
      spec: {
        selector: labels,
        ports: [{ name: 'metrics', port: metricsPort, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' }],
      },
    });
    if (props.networkPolicy ?? true) {
      new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: { ...meta, name: NAME },
        spec: {
          podSelector: { matchLabels: labels },
          policyTypes: ['Ingress'],
          ingress: scrapers.length === 0 ? [] : [{
            from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: scrapers }] } }],
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(metricsPort) }],
          }],
        },
      });
    }
    if (replicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata: { ...meta, name: NAME },
        spec: { selector: { matchLabels: labels }, maxUnavailable: k8s.IntOrString.fromNumber(1) },
      });
    }
    if (ns) {
      for (const child of this.node.children) {
        if (child !== ns && (child as ApiObject).metadata?.namespace === this.namespace) {
          child.node.addDependency(ns);
        }
      }
    }
  }
}

/** Checks a `host:port` bind address (IPv4, or IPv6 in brackets) and returns its port. */
function checkBindAddress(field: string, value: string): number {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535 || port === CONTROLLER_HEALTH_PORT) {
    throw new BatchValidationError(field, value, `must be an IP address and a port other than ${CONTROLLER_HEALTH_PORT} (the probes' port)`,
      'Use "0.0.0.0:8080" (the pod IP) or "127.0.0.1:8080" (loopback only).');
  }
  return port;
}

/** The version of this library, read from its package.json (the default controller tag). */
function libraryVersion(): string {
  for (const candidate of [path.join(__dirname, '..', '..', 'package.json'), path.join(__dirname, '..', 'package.json')]) {
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8'));
      if (pkg.name === 'cdk8s-batch') {
        return pkg.version === '0.0.0' ? 'latest' : pkg.version;
      }
    }
  }
  return 'latest';
}
