/**
 * Kubernetes Events (events.k8s.io/v1; `kubectl describe` and `kubectl get events` show
 * them like core/v1 ones). Best effort: a failed Event is logged, never retried, and never
 * fails a reconcile. The same (object, reason, note) is not repeated within `dedupMs`, as
 * client-go's event correlator does, so a reconcile that runs again does not spam.
 */
import { REPORTING_CONTROLLER } from '../../../src/contract/keys';
import { KubeApi } from './api';
import { apiVersionOf, EVENTS, KubeObject, ResourceType } from './types';
import { Clock, systemClock } from '../runtime/clock';
import { errorFields, Logger, nullLogger } from '../runtime/log';
import { Metrics } from '../runtime/metrics';

export type EventType = 'Normal' | 'Warning';

export interface EventSpec {
  /** The object the Event is about. */
  readonly regarding: KubeObject;
  readonly regardingType: ResourceType;
  readonly type: EventType;
  /** CamelCase, e.g. `Admitted`. */
  readonly reason: string;
  /** What the controller did, e.g. `Admit`. */
  readonly action: string;
  /** Human-readable, at most 1 kB. */
  readonly note: string;
}

export interface EventRecorder {
  /** Emits an Event; resolves when sent (or dropped); never rejects. */
  record(event: EventSpec): Promise<void>;
}

export interface ApiEventRecorderOptions {
  /** `reportingInstance`: the controller's identity (pod name). */
  readonly instance: string;
  readonly clock?: Clock;
  readonly log?: Logger;
  readonly metrics?: Metrics;
  /** Suppress repeats of the same Event within this window (default 10 minutes). */
  readonly dedupMs?: number;
}

/** RFC 3339 with microseconds, the format of `MicroTime` (`eventTime`). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class ApiEventRecorder implements EventRecorder {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly dedupMs: number;
  private readonly recent = new Map<string, number>();
  private seq = 0;

  constructor(private readonly api: KubeApi, private readonly options: ApiEventRecorderOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? nullLogger;
    this.dedupMs = options.dedupMs ?? 10 * 60_000;
  }

  async record(event: EventSpec): Promise<void> {
    const meta = event.regarding.metadata;
    const now = this.clock.now();
    const dedupKey = `${meta.uid ?? `${meta.namespace}/${meta.name}`}\u0000${event.reason}\u0000${event.note}`;
    const last = this.recent.get(dedupKey);
    if (last !== undefined && now - last < this.dedupMs) return;
    this.recent.set(dedupKey, now);
    this.prune(now);

    // client-go names Events `<object>.<unix nanos in hex>`; a sequence number keeps two
    // Events of one millisecond apart.
    const suffix = (BigInt(Math.floor(now)) * 1_000_000n + BigInt(this.seq++ % 1_000_000)).toString(16);
    const body = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: `${(meta.name ?? 'object').slice(0, 200)}.${suffix}`, namespace: meta.namespace },
      eventTime: microTime(now),
      reportingController: REPORTING_CONTROLLER,
      reportingInstance: this.options.instance.slice(0, 128),
      action: event.action,
      reason: event.reason,
      type: event.type,
      note: event.note.length > 1024 ? event.note.slice(0, 1021) + '...' : event.note,
      regarding: {
        apiVersion: apiVersionOf(event.regardingType),
        kind: event.regardingType.kind,
        name: meta.name,
        namespace: meta.namespace,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
      },
    };
    try {
      await this.api.create(EVENTS, meta.namespace, body as unknown as KubeObject);
      this.options.metrics?.events.inc({ reason: event.reason, type: event.type });
    } catch (e) {
      this.recent.delete(dedupKey);
      this.log.warn('could not emit Event', { reason: event.reason, object: `${meta.namespace}/${meta.name}`, ...errorFields(e) });
    }
  }

  private prune(now: number): void {
    if (this.recent.size < 1000) return;
    for (const [k, t] of this.recent) {
      if (now - t >= this.dedupMs) this.recent.delete(k);
    }
  }
}
