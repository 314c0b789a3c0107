import { checkEnqueueCaps, enqueueAnnotations } from '../contract/annotations';
import { ConcurrencyPolicy } from '../contract/concurrency-policy';
import { Checked } from '../errors';

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
   * How many runs may wait in the queue; the controller drops the newest excess with a
   * `QueueFull` Event (a JobRun over the cap ends `Refused` with reason `QueueFull`).
   *
   * @default 1000 (the controller's default cap, `DEFAULT_MAX_QUEUED`)
   */
  readonly maxQueued?: number;
}

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
    // Bad caps are reported by the workload they are passed to, at its path.
    return new Concurrency(ConcurrencyPolicy.ENQUEUE, options.maxConcurrency ?? 1, options.maxQueued, new Checked(() => checkEnqueueCaps(options)));
  }

  private constructor(
    /** The policy. */
    public readonly policy: ConcurrencyPolicy,
    /** For `ENQUEUE`: the cap on active runs. */
    public readonly maxConcurrency?: number,
    /** For `ENQUEUE`: the cap on queued runs. */
    public readonly maxQueued?: number,
    private readonly caps?: Checked<unknown>,
  ) {}

  /**
   * Throws the problem `enqueue()` found, if any: a workload calls it where it locates errors.
   *
   * @internal
   */
  public _check(): void {
    void this.caps?.value;
  }

  /** Whether this policy needs the companion controller. */
  public get needsController(): boolean {
    return this.policy === ConcurrencyPolicy.ENQUEUE;
  }

  /** The value of the CronJob's native `concurrencyPolicy` field. */
  public get kubernetesPolicy(): string {
    return this.policy === ConcurrencyPolicy.ENQUEUE ? ConcurrencyPolicy.ALLOW : this.policy;
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
  concurrency._check();
  return enqueueAnnotations({ maxConcurrency: concurrency.maxConcurrency!, maxQueued: concurrency.maxQueued });
}
