/**
 * Validates synthesized objects against the Kubernetes OpenAPI schema (as packaged by
 * kubernetes-models, generated from the upstream OpenAPI spec). The real control-plane tier
 * (test/e2e) adds what a schema cannot see: Go-coded validation and strict field checks.
 */
import { ValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import { ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { crdValidator } from './crd-schema';

type Model = new (data: any) => { validate(): void };

const MODELS: Record<string, Model> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'batch/v1/CronJob': CronJob,
  'batch/v1/Job': Job,
  'apps/v1/Deployment': Deployment,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'apiextensions.k8s.io/v1/CustomResourceDefinition': CustomResourceDefinition,
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': ValidatingAdmissionPolicy,
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': ValidatingAdmissionPolicyBinding,
};

/** Extra schema validators for our own kinds (registered by the CRD tests). */
const extraValidators: Record<string, (obj: any) => void> = {};

export function registerValidator(apiVersionKind: string, validate: (obj: any) => void): void {
  extraValidators[apiVersionKind] = validate;
}

/**
 * Throws when an object does not match its kind's schema, or when its kind has no schema
 * here (so a new kind cannot slip through unvalidated).
 */
export function validateKubeObject(obj: any): void {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const extra = extraValidators[key];
  if (extra) {
    extra(obj);
    return;
  }
  const model = MODELS[key];
  if (!model) {
    throw new Error(`no schema for ${key}; add it to test/support/kube-schema.ts`);
  }
  try {
    new model(obj).validate();
  } catch (e) {
    throw new Error(`${key} ${obj.metadata?.name}: ${(e as Error).message}`);
  }
}

/** Validates every object of a manifest and returns the manifest. */
export function validateManifest(objects: any[]): any[] {
  objects.forEach(validateKubeObject);
  return objects;
}

// Our own kinds, validated against our CRD schemas.
for (const kind of ['JobTemplate', 'JobRun']) {
  const validate = crdValidator(kind);
  registerValidator(`cdk8s-batch.dev/v1alpha1/${kind}`, (obj) => {
    const errors = validate(obj);
    if (errors.length > 0) {
      throw new Error(`${kind} ${obj.metadata?.name}: ${errors.join('; ')}`);
    }
  });
}
