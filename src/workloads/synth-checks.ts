import { CompletionMode } from './completion';
import { IndexedMatrix } from './indexed-matrix';
import { BatchJobProps } from './job-props';
import { optionPlaceholders } from './job-spec';
import { PodFailureRule } from './pod-failure-policy';
import { PodTemplate } from './pod-template';
import { KUBERNETES_FEATURES, KubernetesFeature, KubernetesVersion, requireKubernetes } from '../kube/kubernetes-version';
import { JobOptionSet, Substitution } from '../options';

/**
 * The checks a workload runs at synth, when containers added after construction are known:
 * each returns the problems found (cdk8s validation messages), never throws.
 */

/** The pod's problems: no containers, `${...}` references, matrix conflicts, pod failure rules naming unknown containers. */
export function podProblems(pod: PodTemplate, optionSet: JobOptionSet, indexed: IndexedMatrix | undefined,
  podFailureRules: PodFailureRule[] | undefined): string[] {
  const errors: string[] = [];
  if (pod.containers.length === 0) {
    errors.push('containers: the workload has no containers. Pass `containers` or call addContainer().');
  }
  // Checked here, before any object is rendered: a clear message instead of a serialization failure.
  try {
    const spec = pod.renderForChecks().spec; // the checks below copy it, never change it
    errors.push(...(indexed?.conflicts(spec) ?? []));
    const workload = { name: 'name', namespace: 'namespace' };
    const scopes = { workload, options: optionPlaceholders(optionSet), ...(indexed ? { matrix: indexed.scope() } : {}) };
    indexed?.checkImages(spec, scopes, 'spec.template.spec');
    Substitution.inPodSpec(spec, scopes, 'spec.template.spec');
  } catch (e) {
    errors.push(e instanceof Error ? e.message : String(e));
  }
  const names = new Set([...pod.containers, ...pod.initContainers].map((c) => c.name));
  for (const rule of podFailureRules ?? []) {
    if (rule.containerName !== undefined && !names.has(rule.containerName)) {
      errors.push(`podFailureRules: the rule names container "${rule.containerName}", which the pod does not have. ` +
        `Use one of: ${[...names].map((n) => `"${n}"`).join(', ')}.`);
    }
  }
  return errors;
}

/** Every version-dependent feature the workload uses, checked against its target Kubernetes version. */
export function targetProblems(target: () => KubernetesVersion, indexed: IndexedMatrix | undefined,
  props: Pick<BatchJobProps, 'podFailureRules' | 'retryDelay'>): string[] {
  let version: KubernetesVersion;
  try {
    version = target();
  } catch (e) {
    return [e instanceof Error ? e.message : String(e)];
  }
  type Use = [KubernetesFeature, string | undefined];
  const used: Use[] = [
    ...((props.podFailureRules ?? []).length > 0 ? [[KUBERNETES_FEATURES.podFailureRules, undefined] as Use] : []),
    ...(props.retryDelay ? [[KUBERNETES_FEATURES.retryDelay, undefined] as Use] : []),
    ...(indexed && !indexed.perCell ? [[KUBERNETES_FEATURES.matrixRetriesPerCell, 'matrixDelivery'] as Use] : []),
    ...(indexed?.envFiles ? [[KUBERNETES_FEATURES.matrixEnv, 'matrixDelivery'] as Use] : []),
    // An Indexed Job below 1.33 is reported above; one Job per cell cannot carry these at all.
    ...(indexed?.perCell && indexed.completionNeedsIndexedJob
      ? [[indexed.completion.mode === CompletionMode.ANY_SUCCESSFUL ? KUBERNETES_FEATURES.completionAnySuccessful
        : KUBERNETES_FEATURES.completionFailFast, 'completion'] as Use] : []),
  ];
  return used.map(([feature, field]) => requireKubernetes(version, feature, field)).filter((m): m is string => m !== undefined);
}
