/**
 * The concurrency policies a batch workload can have.
 *
 * `ALLOW`, `FORBID` and `REPLACE` are Kubernetes' own; `ENQUEUE` is carried out by the
 * companion controller (`BatchController`).
 */
export enum ConcurrencyPolicy {
  /** Runs may overlap (Kubernetes' default). */
  ALLOW = 'Allow',
  /** A run that would overlap an active one is skipped. */
  FORBID = 'Forbid',
  /** A new run replaces (deletes) the active one. */
  REPLACE = 'Replace',
  /** A new run waits in a queue until fewer than `maxConcurrency` runs are active. Needs the companion controller. */
  ENQUEUE = 'Enqueue',
}
