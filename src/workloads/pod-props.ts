import { ApiObjectMetadata, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { PodSecurity } from '../kube/pod-security';

/**
 * How the pods of a batch workload are written: cdk8s-plus-27's vocabulary
 * (containers, volumes, service account), with batch defaults of our own.
 */
export interface BatchPodProps {
  /**
   * The containers of each pod.
   *
   * A container that sets no `resources` gets cdk8s-batch's batch default
   * (requests cpu 100m and memory 256Mi, memory limit 1Gi, no CPU limit), not
   * cdk8s-plus-27's (1 CPU requested, 1.5 CPU limit). Security defaults are
   * cdk8s-plus-27's (non-root, read-only root filesystem, no privilege escalation) plus
   * those of `podSecurity` (all capabilities dropped, seccomp `RuntimeDefault`).
   *
   * @default - none; add them with `addContainer()`. A workload without containers fails at synth.
   */
  readonly containers?: kplus.ContainerProps[];

  /**
   * Init containers, run in order before the containers.
   *
   * @default - none
   */
  readonly initContainers?: kplus.ContainerProps[];

  /**
   * Volumes the containers can mount.
   *
   * @default - none
   */
  readonly volumes?: kplus.Volume[];

  /**
   * The service account the pods run as.
   *
   * @default - the namespace's `default` service account, with no token mounted
   */
  readonly serviceAccount?: kplus.IServiceAccount;

  /**
   * Whether the pods mount a service account token.
   *
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;

  /**
   * Labels and annotations for the pods.
   *
   * @default - only the labels cdk8s-batch adds
   */
  readonly podMetadata?: ApiObjectMetadata;

  /**
   * What the kubelet does when a container exits. `Never` makes every retry a new pod
   * (so `maxAttempts` counts pods, and pod failure rules work); `OnFailure` restarts
   * the container in place. `Always` is not allowed for batch work.
   *
   * @default kplus.RestartPolicy.NEVER
   */
  readonly restartPolicy?: kplus.RestartPolicy;

  /**
   * The pod's security context.
   *
   * @default - cdk8s-plus-27's (`runAsNonRoot: true`), plus what `podSecurity` fills in
   */
  readonly securityContext?: kplus.PodSecurityContextProps;

  /**
   * Which Pod Security Standards profile cdk8s-batch completes the pods to.
   *
   * With `PodSecurity.RESTRICTED` every pod passes the `restricted` profile (a namespace
   * labelled `pod-security.kubernetes.io/enforce: restricted` admits it): the pod and every
   * container, including those cdk8s-batch adds, get `seccompProfile: RuntimeDefault`,
   * `allowPrivilegeEscalation: false`, `capabilities.drop: [ALL]` and `runAsNonRoot: true`
   * wherever the field is unset. Opt out with `PodSecurity.AS_WRITTEN` for pods that must
   * run as root or add capabilities.
   *
   * @default PodSecurity.RESTRICTED
   */
  readonly podSecurity?: PodSecurity;

  /**
   * How long a terminating pod has to shut down.
   *
   * @default Duration.seconds(30)
   */
  readonly terminationGracePeriod?: Duration;

  /**
   * A secret with credentials for pulling the images.
   *
   * @default - no pull secret
   */
  readonly dockerRegistryAuth?: kplus.ISecret;
}

/**
 * Resources for containers that set none: a batch pod should be cheap to schedule, and a
 * CPU limit only throttles batch work, while a memory limit protects the node.
 */
export const DEFAULT_CONTAINER_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100) },
  memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) },
};
