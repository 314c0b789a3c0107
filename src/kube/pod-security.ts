/**
 * The Pod Security Standards profile cdk8s-batch fills in on the pods it emits.
 */
export enum PodSecurity {
  /**
   * Every pod passes the Pod Security `restricted` profile without help: the pod and every
   * container (the user's, and those cdk8s-batch adds) get `seccompProfile: RuntimeDefault`,
   * `allowPrivilegeEscalation: false`, `capabilities.drop: [ALL]` and `runAsNonRoot: true`,
   * wherever the field is not set. A field the user sets is kept as written.
   */
  RESTRICTED = 'restricted',

  /**
   * The pod's security fields are emitted as written (cdk8s-plus-27's defaults for the
   * user's containers), for pods that must run as root or add capabilities. Such pods are
   * rejected by namespaces that enforce `restricted`.
   */
  AS_WRITTEN = 'as-written',
}

const RUNTIME_DEFAULT = { type: 'RuntimeDefault' };

/**
 * Fills in the `restricted` fields of a rendered pod spec, in place: only fields that are
 * absent, so an explicit choice of the user (e.g. `runAsNonRoot: false`) is never overridden.
 */
export function restrictPodSpec(spec: { [key: string]: any }): void {
  const pod = { ...(spec.securityContext ?? {}) };
  pod.runAsNonRoot ??= true;
  pod.seccompProfile ??= RUNTIME_DEFAULT;
  spec.securityContext = pod;
  const restrict = (container: Record<string, any>): Record<string, any> => {
    const sc = { ...(container.securityContext ?? {}) };
    sc.allowPrivilegeEscalation ??= false;
    sc.runAsNonRoot ??= true;
    sc.seccompProfile ??= RUNTIME_DEFAULT;
    const capabilities = { ...(sc.capabilities ?? {}) };
    capabilities.drop ??= ['ALL'];
    sc.capabilities = capabilities;
    return { ...container, securityContext: sc };
  };
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    if (Array.isArray(spec[list])) {
      spec[list] = spec[list].map(restrict);
    }
  }
}
