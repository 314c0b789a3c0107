/**
 * Label and annotation keys that cdk8s-batch writes. The companion controller and the CLI
 * read the same keys, so they live in one place.
 */
export const PREFIX = 'cdk8s-batch.dev';

/** Label on every object of a workload (CronJob, its Jobs and pods, ConfigMaps): the workload's name. */
export const LABEL_WORKLOAD = `${PREFIX}/workload`;
/** Label: which construct kind emitted the object, e.g. `ScheduledBatch`. */
export const LABEL_KIND = `${PREFIX}/kind`;

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
/** Label on a Job created for an ad-hoc run (and its pods): the run's name. */
export const LABEL_JOB_RUN = `${PREFIX}/job-run`;
