export * from './schedule';
export * from './workloads';
// The policy names are values of annotations and of the JobTemplate: defined with the contract.
export * from './contract/concurrency-policy';
export * from './options';
export * from './controller';
export * from './matrix';
export { PodSecurity } from './kube/pod-security';
export { KubernetesVersion } from './kube/kubernetes-version';
// BatchValidationError extends Error, which jsii cannot model: BatchErrors tells it apart in every language.
export { BatchErrors } from './errors';
