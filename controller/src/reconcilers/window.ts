/**
 * Run window: keeps `CronJob.spec.suspend` in step with `cdk8s-batch.dev/not-before` and
 * `cdk8s-batch.dev/not-after` (RFC 3339). The window is `[notBefore, notAfter)`.
 *
 * - **Outside** the window, the CronJob is suspended. If the controller has to suspend it,
 *   it records that in the `cdk8s-batch.dev/window-suspended` annotation (same patch).
 * - **Inside** the window, a CronJob that carries that annotation is resumed (and the
 *   annotation removed). A CronJob suspended *without* it was suspended by someone else and
 *   stays suspended: a manual suspend inside the window is never overridden.
 * - The reconcile is requeued at the next boundary, so the change happens on time without
 *   any event; the CronJob's `startingDeadlineSeconds` keeps a run that was due before the
 *   window from starting when it opens (a Warning says so when it is missing).
 * - If both annotations are removed while the controller holds the CronJob suspended, it is
 *   resumed: the suspension was the controller's, for a window that no longer exists.
 */
import {
  hasRunWindowAnnotations, isWindowSuspended, readRunWindow, WindowSide, windowSuspendedPatch,
} from '../../../src/contract/annotations';
import { ObjectStore } from './util';
import { Writer } from '../kube/cache';
import { EventRecorder } from '../kube/events';
import { CRONJOBS, CronJob, KubeObject, splitKey } from '../kube/types';
import { ReconcileContext, ReconcileResult, Reconciler } from '../runtime/controller';
import { errorFields } from '../runtime/log';
import { Metrics } from '../runtime/metrics';

export interface WindowDeps {
  readonly cronJobs: ObjectStore<CronJob>;
  readonly writer: Writer;
  readonly events: EventRecorder;
  readonly metrics?: Metrics;
}

/** Whether the window reconciler has anything to look at on this object. */
export function hasWindow(obj: KubeObject): boolean {
  return hasRunWindowAnnotations(obj.metadata.annotations);
}

export class WindowReconciler implements Reconciler {
  readonly name = 'window';

  constructor(private readonly deps: WindowDeps) {}

  async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const cron = this.deps.cronJobs.get(namespace, name);
    if (!cron || cron.metadata.deletionTimestamp) return;
    const marked = isWindowSuspended(cron.metadata.annotations);
    const suspended = cron.spec?.suspend === true;
    const now = ctx.now;

    let notBefore: number | undefined;
    let notAfter: number | undefined;
    try {
      ({ notBefore, notAfter } = readRunWindow(cron.metadata.annotations));
    } catch (e) {
      ctx.log.warn('invalid run window; leaving the CronJob as it is', errorFields(e));
      this.event(cron, 'Warning', 'InvalidWindow', 'Validate', `${(e as Error).message} The run window is not enforced until it is fixed.`);
      return;
    }

    if (notBefore === undefined && notAfter === undefined) {
      if (marked) {
        await this.deps.writer.patch(CRONJOBS, cron, {
          metadata: { annotations: windowSuspendedPatch(undefined) },
          ...(suspended ? { spec: { suspend: false } } : {}),
        });
        if (suspended) {
          this.deps.metrics?.windowResumptions.inc({ namespace });
          ctx.log.info('run window removed; resumed the CronJob the controller had suspended', { cronJob: name });
          this.event(cron, 'Normal', 'WindowRemoved', 'Resume',
            'Resumed: the run window annotations were removed, and the CronJob was suspended only for the window.');
        }
      }
      return;
    }

    const before = notBefore !== undefined && now < notBefore;
    const after = notAfter !== undefined && now >= notAfter;
    const window = describeWindow(notBefore, notAfter);

    if (before || after) {
      if (!suspended) {
        const side: WindowSide = before ? 'not-before' : 'not-after';
        await this.deps.writer.patch(CRONJOBS, cron, {
          metadata: { annotations: windowSuspendedPatch(side) },
          spec: { suspend: true },
        });
        this.deps.metrics?.windowSuspensions.inc({ namespace });
        ctx.log.info('outside the run window; suspended the CronJob', { cronJob: name, side, window });
        this.event(cron, 'Normal', 'SuspendedOutsideWindow', 'Suspend', before
          ? `Suspended: the run window ${window} has not started yet.`
          : `Suspended: the run window ${window} has ended.`);
      }
      // Suspended by someone else (no marker): that is their decision; nothing to record.
      return before ? { requeueAfterMs: notBefore! - now } : undefined;
    }

    // Inside the window.
    if (suspended && marked) {
      await this.deps.writer.patch(CRONJOBS, cron, {
        metadata: { annotations: windowSuspendedPatch(undefined) },
        spec: { suspend: false },
      });
      this.deps.metrics?.windowResumptions.inc({ namespace });
      ctx.log.info('inside the run window; resumed the CronJob', { cronJob: name, window });
      this.event(cron, 'Normal', 'ResumedInsideWindow', 'Resume', `Resumed: inside the run window ${window}.`);
      if (cron.spec?.startingDeadlineSeconds === undefined || cron.spec.startingDeadlineSeconds === null) {
        this.event(cron, 'Warning', 'NoStartingDeadline', 'Resume',
          'spec.startingDeadlineSeconds is not set, so a run missed while the CronJob was suspended may start now. ' +
          'Set a starting deadline (ScheduledBatch does: 60 s with a run window).');
      }
    } else if (!suspended && marked) {
      // Someone resumed it by hand inside the window: the marker is stale.
      await this.deps.writer.patch(CRONJOBS, cron, { metadata: { annotations: windowSuspendedPatch(undefined) } });
    } else if (suspended) {
      ctx.log.debug('suspended by someone else inside the run window; left suspended', { cronJob: name });
    }
    return notAfter !== undefined ? { requeueAfterMs: notAfter - now } : undefined;
  }

  /** Sent, not awaited: an Event never holds up a reconcile. */
  private event(cron: CronJob, type: 'Normal' | 'Warning', reason: string, action: string, note: string): void {
    void this.deps.events.record({ regarding: cron, regardingType: CRONJOBS, type, reason, action, note });
  }
}

function describeWindow(notBefore: number | undefined, notAfter: number | undefined): string {
  const from = notBefore !== undefined ? new Date(notBefore).toISOString() : 'the beginning';
  const until = notAfter !== undefined ? new Date(notAfter).toISOString() : 'open end';
  return `[${from}, ${until})`;
}
