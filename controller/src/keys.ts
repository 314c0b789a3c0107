/**
 * The label and annotation keys the controller reads and writes.
 *
 * Keys that the constructs emit come from the library (`src/workloads/labels.ts`), so the
 * controller and the constructs can never disagree on them. Keys below `CONTROLLER_*` are
 * written only by the controller; they are built from the library's prefix.
 */
import {
  ANNOTATION_CONCURRENCY,
  ANNOTATION_MAX_CONCURRENCY,
  ANNOTATION_MAX_QUEUED,
  ANNOTATION_NOT_AFTER,
  ANNOTATION_NOT_BEFORE,
  ANNOTATION_PENDING_TIMEOUT,
  LABEL_JOB_RUN,
  LABEL_WORKLOAD,
  PREFIX,
} from '../../src/workloads/labels';

export {
  ANNOTATION_CONCURRENCY,
  ANNOTATION_MAX_CONCURRENCY,
  ANNOTATION_MAX_QUEUED,
  ANNOTATION_NOT_AFTER,
  ANNOTATION_NOT_BEFORE,
  ANNOTATION_PENDING_TIMEOUT,
  LABEL_JOB_RUN,
  LABEL_WORKLOAD,
  PREFIX,
};

/** The value of `ANNOTATION_CONCURRENCY` that the controller acts on. */
export const POLICY_ENQUEUE = 'Enqueue';

/**
 * Annotation on a Job: when the controller admitted (un-suspended) it, RFC 3339. Written in
 * the same patch as `spec.suspend: false`, so a Job carrying it is never admitted again.
 */
export const ANNOTATION_ADMITTED_AT = `${PREFIX}/admitted-at`;

/**
 * Annotation on a CronJob: the controller suspended it because it is outside its run window.
 * The value says which side (`not-before` or `not-after`). Only a CronJob carrying it is
 * resumed when the window opens; a suspension without it is the user's and is kept.
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
