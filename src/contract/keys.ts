/**
 * The names cdk8s-batch shares with the cluster: the API group and kinds of its CRDs, the
 * label and annotation keys, the context key. The constructs write them, the controller and
 * the CLI read them; each is defined here once. How an annotation's value is written and read
 * is in ./annotations.ts.
 *
 * No imports: every layer (constructs, run core, CRD definitions, controller, CLI) may use it.
 */

/** The API group of our CRDs, and the prefix of every label and annotation key we write. */
export const API_GROUP = 'cdk8s-batch.dev';
/** The version of our CRDs. */
export const API_VERSION = 'v1alpha1';
/** `apiVersion` of our objects. */
export const API_GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;
/** A runnable Job template with an option schema. */
export const JOB_TEMPLATE_KIND = 'JobTemplate';
/** A request for one ad-hoc run of a JobTemplate or a CronJob. */
export const JOB_RUN_KIND = 'JobRun';

/** The prefix of our label and annotation keys (the API group). */
export const PREFIX = API_GROUP;

/** Label on every object of a workload (CronJob, its Jobs and pods, ConfigMaps): the workload's name. */
export const LABEL_WORKLOAD = `${PREFIX}/workload`;
/** Label: which construct kind emitted the object, e.g. `ScheduledBatch`. */
export const LABEL_KIND = `${PREFIX}/kind`;
/** Label on a Job created for an ad-hoc run (and its pods): the run's name. */
export const LABEL_JOB_RUN = `${PREFIX}/job-run`;
/** Label on a matrix cell's Job and pods when each cell is a Job of its own: the cell's index. */
export const LABEL_MATRIX_CELL = `${PREFIX}/matrix-cell`;

/**
 * Label on a Job (and on the Job template of a CronJob or JobTemplate): the concurrency group
 * whose queue the Job waits in. Separate from the workload label, as Kueue keeps its
 * `queue-name` label apart from the job's identity: one workload's Jobs are in one group, a
 * group holds Jobs of many workloads. A label, so that the controller selects a group's Jobs.
 */
export const LABEL_CONCURRENCY_GROUP = `${PREFIX}/concurrency-group`;

/** Annotation: the schedule as the user wrote it, before hashing. */
export const ANNOTATION_SCHEDULE = `${PREFIX}/schedule`;
/** Annotation: the seed the `H` tokens were hashed with. */
export const ANNOTATION_HASH_SEED = `${PREFIX}/hash-seed`;
/** Annotation: the concurrency policy including the controller-only `Enqueue`. */
export const ANNOTATION_CONCURRENCY = `${PREFIX}/concurrency-policy`;
/** Annotation: Enqueue's cap on running Jobs. */
export const ANNOTATION_MAX_CONCURRENCY = `${PREFIX}/max-concurrency`;
/** Annotation: Enqueue's cap on waiting Jobs. */
export const ANNOTATION_MAX_QUEUED = `${PREFIX}/max-queued`;
/** Annotation: start of the run window (RFC 3339, UTC). */
export const ANNOTATION_NOT_BEFORE = `${PREFIX}/not-before`;
/** Annotation: end of the run window (RFC 3339, UTC). */
export const ANNOTATION_NOT_AFTER = `${PREFIX}/not-after`;
/** Annotation: how long a pod may stay Pending before the controller fails it (seconds). */
export const ANNOTATION_PENDING_TIMEOUT = `${PREFIX}/pending-timeout-seconds`;

/**
 * Annotation on a workload's pods (set in the Job's pod template): the fixed delay, in whole
 * seconds, between a failed attempt and the next attempt of the same index (`retryDelay`).
 * It travels with the pod beside the scheduling gate {@link SCHEDULING_GATE_RETRY_DELAY}.
 */
export const ANNOTATION_RETRY_DELAY = `${PREFIX}/retry-delay-seconds`;

/**
 * Scheduling gate in the pod template of a workload with `retryDelay`: every pod is created
 * gated (Pending, `PodScheduled=False`, reason `SchedulingGated`), and the controller removes
 * the gate once the delay has passed since the latest failure of the same index (at once for
 * a first attempt).
 */
export const SCHEDULING_GATE_RETRY_DELAY = `${PREFIX}/retry-delay`;

/**
 * Annotation on a pod, written by the controller in the same patch that removes the
 * retry-delay scheduling gate: when it released the pod (RFC 3339). The pending timeout
 * counts from it, so time spent waiting out the retry delay is not time spent Pending.
 */
export const ANNOTATION_RETRY_RELEASED_AT = `${PREFIX}/retry-released-at`;

/** Annotation: the concurrency group's cap on running Jobs (whole number), beside the group label. */
export const ANNOTATION_GROUP_MAX_CONCURRENCY = `${PREFIX}/group-max-concurrency`;

/**
 * Annotation on a Job, written by the controller: when it admitted (un-suspended) the Job,
 * RFC 3339. Written in the same patch as `spec.suspend: false`, so a Job carrying it is
 * never admitted again.
 */
export const ANNOTATION_ADMITTED_AT = `${PREFIX}/admitted-at`;

/**
 * Annotations on a killed run's Job (and JobRun), written by `cdk8s-batch kill` with the
 * user's own credentials: who killed it (the name the API server authenticated, from a
 * SelfSubjectReview) and when (RFC 3339).
 */
export const ANNOTATION_KILLED_BY = `${PREFIX}/killed-by`;
/** See `ANNOTATION_KILLED_BY`. */
export const ANNOTATION_KILLED_AT = `${PREFIX}/killed-at`;

/**
 * Annotations on a Job, written by `cdk8s-batch kill --at/--in` with the user's own
 * credentials: when the controller is to kill the run (RFC 3339) and who asked (the name the
 * API server authenticated). The `BatchController`'s admission policy lets only a user who may
 * `patch jobs` in the namespace set them, and only under their own name.
 */
export const ANNOTATION_KILL_AT = `${PREFIX}/kill-at`;
/** See `ANNOTATION_KILL_AT`. */
export const ANNOTATION_KILL_REQUESTED_BY = `${PREFIX}/kill-requested-by`;

/**
 * Annotation on a CronJob, written by the controller: it suspended the CronJob because it is
 * outside its run window. The value says which side (`not-before` or `not-after`). Only a
 * CronJob carrying it is resumed when the window opens; a suspension without it is the
 * user's and is kept.
 */
export const ANNOTATION_WINDOW_SUSPENDED = `${PREFIX}/window-suspended`;

/**
 * Pod condition type the controller sets (with phase `Failed`) on a pod that stayed Pending
 * too long. A Job's `podFailurePolicy` can match it (`onPodConditions`), e.g. to fail the
 * whole Job at once instead of retrying.
 */
export const CONDITION_PENDING_TIMEOUT = `${PREFIX}/PendingTimeout`;

/** The name the controller writes with (`fieldManager`) and reports Events as. */
export const FIELD_MANAGER = 'cdk8s-batch-controller';
/** `reportingController` of the controller's Events. */
export const REPORTING_CONTROLLER = `${PREFIX}/controller`;

/**
 * Context key that says the controller is installed by another app (e.g. the platform
 * team's), so workloads in this app should not warn about its absence. Its value is
 * `CONTROLLER_EXTERNAL`.
 */
export const CONTROLLER_CONTEXT_KEY = `${PREFIX}/controller`;
/** The value of `CONTROLLER_CONTEXT_KEY` that says the controller is installed elsewhere. */
export const CONTROLLER_EXTERNAL = 'external';

/**
 * The cdk8s context key that sets the target Kubernetes version of an app or chart,
 * e.g. `"cdk8s-batch.dev/kubernetes-version": "1.31"` in cdk8s.yaml's `context`, or
 * `app.node.setContext(...)` / `chart.node.setContext(...)` before the workloads are added.
 */
export const KUBERNETES_VERSION_CONTEXT_KEY = `${PREFIX}/kubernetes-version`;
