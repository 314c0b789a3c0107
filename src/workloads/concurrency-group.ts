import { checkConcurrencyGroup, concurrencyGroupMetadata } from '../contract/annotations';

/**
 * Props for a `ConcurrencyGroup`.
 */
export interface ConcurrencyGroupProps {
  /**
   * The group's name: a DNS label (lower case letters, digits and "-", at most 63
   * characters), carried by every Job of the group as the `cdk8s-batch.dev/concurrency-group`
   * label. Workloads in one namespace that name the same group share its queue.
   */
  readonly name: string;

  /**
   * How many Jobs of the group may run at once, across all its workloads.
   *
   * @default 1
   */
  readonly maxConcurrency?: number;
}

/**
 * A queue shared by several workloads that must not run together beyond a limit (they share
 * a database, a licence, a GPU pool). Pass it as `concurrencyGroup` to any ScheduledBatch,
 * ParameterizedJob or ParallelMatrixJob: their Jobs are created suspended with the group's
 * label, and the companion controller (`BatchController`) admits them oldest first across
 * the group, at most `maxConcurrency` at a time, in addition to each workload's own
 * concurrency policy. A group is per namespace.
 *
 * @example
 * const database = new ConcurrencyGroup({ name: 'orders-db', maxConcurrency: 1 });
 * new ScheduledBatch(chart, 'Export', {
 *   schedule: Schedule.cron('H 2 * * *'),
 *   concurrencyGroup: database,
 *   containers: [{ image: 'registry.example/export:1.0' }],
 * });
 */
export class ConcurrencyGroup {
  /** The group's name. */
  public readonly name: string;
  /** How many Jobs of the group may run at once. */
  public readonly maxConcurrency: number;

  constructor(props: ConcurrencyGroupProps) {
    // Checked by each workload that joins, so that an error names the workload's path.
    this.name = props.name;
    this.maxConcurrency = props.maxConcurrency ?? 1;
  }

  /**
   * Checks the name and the cap.
   *
   * @internal
   */
  public _check(): void {
    checkConcurrencyGroup(this);
  }

  /**
   * The label and annotation a Job of the group carries.
   *
   * @internal
   */
  public _metadata(): { labels: Record<string, string>; annotations: Record<string, string> } {
    return concurrencyGroupMetadata(checkConcurrencyGroup(this));
  }
}
