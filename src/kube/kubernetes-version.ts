import { Construct } from 'constructs';
import { KUBERNETES_VERSION_CONTEXT_KEY } from '../contract/keys';
import { BatchValidationError, Checked } from '../errors';

/** The oldest Kubernetes cdk8s-batch emits for: that of cdk8s-plus-27. */
const OLDEST_MINOR = 27;

/**
 * A Kubernetes minor version that the emitted objects must be accepted by.
 */
export class KubernetesVersion {
  /**
   * The cdk8s context key that sets the target of an app or chart:
   * `cdk8s-batch.dev/kubernetes-version`, e.g. `"1.31"`.
   */
  public static readonly CONTEXT_KEY = KUBERNETES_VERSION_CONTEXT_KEY;

  /** Kubernetes 1.27, the oldest supported target (cdk8s-plus-27's). */
  public static readonly V1_27 = new KubernetesVersion(new Checked(() => 27));
  /** Kubernetes 1.29. */
  public static readonly V1_29 = new KubernetesVersion(new Checked(() => 29));
  /** Kubernetes 1.30: `ValidatingAdmissionPolicy` is GA. */
  public static readonly V1_30 = new KubernetesVersion(new Checked(() => 30));
  /** Kubernetes 1.31: `podFailurePolicy` is GA. */
  public static readonly V1_31 = new KubernetesVersion(new Checked(() => 31));
  /** Kubernetes 1.33: `backoffLimitPerIndex`, `maxFailedIndexes` and `successPolicy` are GA. */
  public static readonly V1_33 = new KubernetesVersion(new Checked(() => 33));
  /** Kubernetes 1.35: EnvFiles (`fileKeyRef`) is on by default. */
  public static readonly V1_35 = new KubernetesVersion(new Checked(() => 35));

  /**
   * The default target when neither the prop nor the context sets one: 1.35, the version the
   * library's output is verified against on the real control plane, and the first whose
   * defaults carry every feature. Set the context key to the version of the oldest cluster
   * you deploy to.
   */
  public static readonly DEFAULT = KubernetesVersion.V1_35;

  /**
   * A version written `"1.<minor>"`, e.g. `"1.31"` (a patch part, `"1.31.4"`, and a leading
   * `v` are accepted and ignored).
   */
  public static of(version: string): KubernetesVersion {
    // A bad version is reported by the construct it is passed to, at its path.
    return new KubernetesVersion(new Checked(() => parseMinor(version)));
  }

  /**
   * The target of a construct: its own `kubernetesVersion` if given, else the context key
   * `cdk8s-batch.dev/kubernetes-version` of its chart or app, else `KubernetesVersion.DEFAULT`.
   */
  public static targetOf(scope: Construct, own?: KubernetesVersion): KubernetesVersion {
    if (own) return own;
    const context = scope.node.tryGetContext(KUBERNETES_VERSION_CONTEXT_KEY);
    if (context === undefined) return KubernetesVersion.DEFAULT;
    try {
      const version = KubernetesVersion.of(String(context));
      version._check();
      return version;
    } catch (e) {
      throw new BatchValidationError(`context "${KUBERNETES_VERSION_CONTEXT_KEY}"`, String(context),
        (e as BatchValidationError).problem, (e as BatchValidationError).fix);
    }
  }

  private constructor(private readonly minorVersion: Checked<number>) {}

  /**
   * The minor version, e.g. 31 for 1.31.
   *
   * @throws BatchValidationError if `of()` was given a version it cannot read
   */
  public get minor(): number {
    return this.minorVersion.value;
  }

  /**
   * Throws the problem `of()` found, if any: a workload calls it where it locates errors.
   *
   * @internal
   */
  public _check(): void {
    void this.minorVersion.value;
  }

  /** Whether this version is at least `other`. */
  public isAtLeast(other: KubernetesVersion): boolean {
    return this.minor >= other.minor;
  }

  /** `1.<minor>`. */
  public toString(): string {
    return `1.${this.minor}`;
  }
}

/** A feature cdk8s-batch emits that needs a newer Kubernetes than the oldest it supports. */
export interface KubernetesFeature {
  /** What the user asked for, as the error and the docs name it. */
  readonly feature: string;
  /** The Kubernetes fields or feature gate it emits. */
  readonly fields: string;
  /** The first version whose default configuration accepts (and acts on) it. */
  readonly minVersion: KubernetesVersion;
  /** What to do instead on an older target. */
  readonly alternative: string;
}

/**
 * Every version-dependent feature: the one source of the synth checks and of the table in
 * docs/kubernetes-versions.md (test/workloads/kubernetes-version.test.ts compares them).
 */
export const KUBERNETES_FEATURES = {
  cronJobTimeZone: {
    feature: 'ScheduledBatch time zone',
    fields: 'CronJob `spec.timeZone`',
    minVersion: KubernetesVersion.V1_27,
    alternative: 'every supported target has it',
  },
  admissionPolicies: {
    feature: 'BatchController admission policies',
    fields: '`ValidatingAdmissionPolicy` and its bindings (admissionregistration.k8s.io/v1)',
    minVersion: KubernetesVersion.V1_30,
    alternative: 'set admissionPolicies: false and let only those who may create Jobs create JobTemplates and JobRuns (without the policies the controller runs any JobTemplate\'s pod for whoever may create a JobRun), or raise the target',
  },
  podFailureRules: {
    feature: 'podFailureRules',
    fields: 'Job `podFailurePolicy`',
    minVersion: KubernetesVersion.V1_31,
    alternative: 'remove podFailureRules (every failed pod then counts against maxAttempts), or raise the target',
  },
  retryDelay: {
    feature: 'retryDelay',
    fields: 'pod `schedulingGates` (the controller holds each retry behind a gate)',
    minVersion: KubernetesVersion.V1_30,
    alternative: 'remove retryDelay (Kubernetes\' own back-off of 10 s, doubling up to 6 min, still spaces the retries), or raise the target',
  },
  matrixRetriesPerCell: {
    feature: 'a matrix as one Indexed Job (MatrixDelivery.files(), MatrixDelivery.envFiles())',
    fields: 'Job `backoffLimitPerIndex`',
    minVersion: KubernetesVersion.V1_33,
    alternative: 'use matrixDelivery: MatrixDelivery.jobPerCell() (a ParallelMatrixJob\'s default below 1.33: one Job per cell, retried with backoffLimit), or raise the target; a ScheduledBatch with a matrix needs 1.33',
  },
  completionFailFast: {
    feature: 'Completion.allSuccessful() with fail-fast',
    fields: 'Job `maxFailedIndexes` (one Indexed Job)',
    minVersion: KubernetesVersion.V1_33,
    alternative: 'use completion: Completion.allSuccessful({ failFast: false }) (every cell runs to its end), or raise the target',
  },
  completionAnySuccessful: {
    feature: 'Completion.anySuccessful()',
    fields: 'Job `successPolicy` (one Indexed Job)',
    minVersion: KubernetesVersion.V1_33,
    alternative: 'use completion: Completion.allSuccessful({ failFast: false }) and let the program of each cell decide, or raise the target',
  },
  matrixEnv: {
    feature: 'matrix environment variables from env files (MatrixDelivery.envFiles())',
    fields: '`env[].valueFrom.fileKeyRef` (EnvFiles)',
    minVersion: KubernetesVersion.V1_35,
    alternative: 'use matrixDelivery: MatrixDelivery.files() (the default on 1.33 and 1.34: read the cell from /etc/cdk8s-batch/matrix/<key>) or MatrixDelivery.jobPerCell() (MATRIX_<KEY> and ${matrix.KEY} as literal values, any version), or raise the target',
  },
} satisfies Record<string, KubernetesFeature>;

/**
 * Fails when `feature` needs a newer Kubernetes than `target`, naming the prop (`field`),
 * the feature, the version it needs and the alternative.
 */
export function requireKubernetes(target: KubernetesVersion, feature: KubernetesFeature, field?: string): string | undefined {
  if (target.isAtLeast(feature.minVersion)) return undefined;
  return `${field ? `${field}: ` : ''}${feature.feature} needs Kubernetes ${feature.minVersion} (${feature.fields}); ` +
    `the target is ${target} (context "${KUBERNETES_VERSION_CONTEXT_KEY}" or kubernetesVersion): ${feature.alternative}.`;
}

/** The markdown table of docs/kubernetes-versions.md. */
export function kubernetesFeatureTable(): string {
  const rows = Object.values(KUBERNETES_FEATURES)
    .map((f) => `| ${f.feature} | ${f.fields} | ${f.minVersion} | ${f.alternative} |`);
  return ['| feature | emits | minimum Kubernetes | on an older target |', '|---|---|---|---|', ...rows].join('\n');
}

/** The minor version of `"1.<minor>"` (a patch part and a leading `v` ignored). */
function parseMinor(version: string): number {
  const match = /^v?1\.(\d{1,3})(\.\d+)?$/.exec(version);
  if (!match) {
    throw new BatchValidationError('kubernetesVersion', version,
      'is not a Kubernetes version', 'Write it as "1.<minor>", e.g. "1.31".');
  }
  const minor = Number(match[1]);
  if (minor < OLDEST_MINOR) {
    throw new BatchValidationError('kubernetesVersion', version,
      `is older than Kubernetes 1.${OLDEST_MINOR}, the oldest cdk8s-batch supports (cdk8s-plus-27's)`,
      `Target 1.${OLDEST_MINOR} or later.`);
  }
  return minor;
}
