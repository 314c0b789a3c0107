import { BatchValidationError } from '../errors';
import { ANNOTATION_CONCURRENCY, ANNOTATION_MAX_CONCURRENCY, ANNOTATION_MAX_QUEUED } from './labels';

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

/**
 * Options for `Concurrency.enqueue()`.
 */
export interface EnqueueOptions {
  /**
   * How many runs of the workload may be active at once.
   *
   * @default 1
   */
  readonly maxConcurrency?: number;

  /**
   * How many runs may wait in the queue; the controller drops the excess with an Event.
   *
   * @default - no cap
   */
  readonly maxQueued?: number;
}

/** Upper bound for the Enqueue caps; far above any sane queue, it catches typos. */
const MAX_CAP = 10_000;

/**
 * How runs of a workload that would overlap are handled.
 *
 * @example
 * Concurrency.forbid();
 * Concurrency.enqueue({ maxConcurrency: 2, maxQueued: 10 });
 */
export class Concurrency {
  /** Runs may overlap. */
  public static allow(): Concurrency {
    return new Concurrency(ConcurrencyPolicy.ALLOW);
  }

  /** A run due while another is active is skipped. */
  public static forbid(): Concurrency {
    return new Concurrency(ConcurrencyPolicy.FORBID);
  }

  /** A run due while another is active replaces it. */
  public static replace(): Concurrency {
    return new Concurrency(ConcurrencyPolicy.REPLACE);
  }

  /**
   * Runs queue up and start oldest first, at most `maxConcurrency` at a time.
   *
   * Emitted as `concurrencyPolicy: Allow` with suspended Jobs that the companion
   * controller admits (un-suspends) in creation order.
   */
  public static enqueue(options: EnqueueOptions = {}): Concurrency {
    const maxConcurrency = options.maxConcurrency ?? 1;
    checkCap('maxConcurrency', maxConcurrency, 1);
    if (options.maxQueued !== undefined) {
      checkCap('maxQueued', options.maxQueued, 0);
    }
    return new Concurrency(ConcurrencyPolicy.ENQUEUE, maxConcurrency, options.maxQueued);
  }

  private constructor(
    /** The policy. */
    public readonly policy: ConcurrencyPolicy,
    /** For `ENQUEUE`: the cap on active runs. */
    public readonly maxConcurrency?: number,
    /** For `ENQUEUE`: the cap on queued runs. */
    public readonly maxQueued?: number,
  ) {}

  /** Whether this policy needs the companion controller. */
  public get needsController(): boolean {
    return this.policy === ConcurrencyPolicy.ENQUEUE;
  }

  /** The value of the CronJob's native `concurrencyPolicy` field. */
  public get kubernetesPolicy(): string {
    return this.policy === ConcurrencyPolicy.ENQUEUE ? ConcurrencyPolicy.ALLOW : this.policy;
  }
}

function checkCap(field: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min || value > MAX_CAP) {
    throw new BatchValidationError(
      `concurrency.${field}`,
      String(value),
      `must be a whole number from ${min} to ${MAX_CAP}`,
      `Pass Concurrency.enqueue({ ${field}: ${Math.max(min, 1)} }) or another whole number in range.`,
    );
  }
}

/**
 * Annotations the controller reads from the CronJob and from each of its Jobs.
 *
 * @internal
 */
export function controllerAnnotations(concurrency: Concurrency): Record<string, string> {
  if (concurrency.policy !== ConcurrencyPolicy.ENQUEUE) {
    return {};
  }
  return {
    [ANNOTATION_CONCURRENCY]: concurrency.policy,
    [ANNOTATION_MAX_CONCURRENCY]: String(concurrency.maxConcurrency),
    ...(concurrency.maxQueued !== undefined ? { [ANNOTATION_MAX_QUEUED]: String(concurrency.maxQueued) } : {}),
  };
}
