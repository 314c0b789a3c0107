/**
 * The controllers the companion controller runs, and how informer events become work-queue
 * keys. Event handlers never act; they only name what to look at again.
 *
 * A new rule is a `ControllerSpec` here (its reconciler plus the events that enqueue it)
 * and, for a resource not watched yet, an informer in `../manager.ts` (`Caches`). Nothing
 * else changes: queueing, retries, leader gating, metrics and shutdown are the manager's.
 */
import { readWorkloadLabel } from '../../../src/contract/labels';
import { EnqueueReconciler, workloadKey } from './enqueue';
import { ConcurrencyGroupReconciler, groupKey } from './group';
import { jobRunKey, JobRunReconciler } from './job-run';
import { isPendingWorkloadPod, PendingTimeoutReconciler } from './pending-timeout';
import { ReplaceReconciler } from './replace';
import { jobKillKey, ScheduledKillReconciler } from './scheduled-kill';
import { isRetryGatedPod, RetryDelayReconciler } from './retry-delay';
import { jobRunOf } from './util';
import { hasWindow, WindowReconciler } from './window';
import { KubeApi } from '../kube/api';
import { Store, Writer } from '../kube/cache';
import { EventRecorder } from '../kube/events';
import { CronJob, Job, JobRun, JobTemplate, keyOf, Pod } from '../kube/types';
import { Reconciler } from '../runtime/controller';
import { Informer } from '../kube/informer';
import { Metrics } from '../runtime/metrics';

/** The informers the controllers watch (all label-selected to workloads). */
export interface Caches {
  readonly jobs: Informer<Job>;
  readonly cronJobs: Informer<CronJob>;
  /** Pending workload pods only (field selector `status.phase=Pending`; retry-gated pods are Pending). */
  readonly pods: Informer<Pod>;
  /** All JobRuns and JobTemplates (our own kinds: no label selector). */
  readonly jobRuns: Informer<JobRun>;
  readonly jobTemplates: Informer<JobTemplate>;
}

export interface Stores {
  readonly jobs: Store<Job>;
  readonly cronJobs: Store<CronJob>;
  readonly pods: Store<Pod>;
  readonly jobRuns: Store<JobRun>;
  readonly jobTemplates: Store<JobTemplate>;
}

export interface ControllerDeps {
  readonly stores: Stores;
  readonly writer: Writer;
  readonly events: EventRecorder;
  readonly api: KubeApi;
  readonly metrics?: Metrics;
  /** Back-off of one JobRun after a transient failure (defaults 1 s .. 5 min). */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** Finished JobRuns kept per JobTemplate or CronJob (default 100). */
  readonly jobRunHistoryLimit?: number;
}

export interface ControllerSpec {
  readonly reconciler: Reconciler;
  /** Registers informer listeners that enqueue keys for this reconciler. */
  watch(caches: Caches, enqueue: (key: string) => void): void;
}

export function builtinControllers(deps: ControllerDeps): ControllerSpec[] {
  const { stores, writer, events, api, metrics } = deps;
  return [
    {
      reconciler: new EnqueueReconciler({ jobs: stores.jobs, cronJobs: stores.cronJobs, writer, events, metrics }),
      watch(caches, enqueue) {
        // Any Job of a workload: a finishing Job frees a slot, a new one may be queued.
        caches.jobs.onEvent((_type, job) => {
          const key = workloadKey(job);
          if (key) enqueue(key);
        });
        // The CronJob carries the live caps.
        caches.cronJobs.onEvent((_type, cron) => {
          const key = workloadKey(cron);
          if (key) enqueue(key);
        });
      },
    },
    {
      reconciler: new ReplaceReconciler({ jobs: stores.jobs, cronJobs: stores.cronJobs, writer, events }),
      watch(caches, enqueue) {
        // A new Job of a workload may replace older ones; a CronJob may turn the policy on.
        caches.jobs.onEvent((type, job) => {
          const key = workloadKey(job);
          if (key && type !== 'delete') enqueue(key);
        });
        caches.cronJobs.onEvent((type, cron) => {
          const key = workloadKey(cron);
          if (key && type !== 'delete') enqueue(key);
        });
      },
    },
    {
      reconciler: new ScheduledKillReconciler({ jobs: stores.jobs, jobRuns: stores.jobRuns, writer, events }),
      watch(caches, enqueue) {
        caches.jobs.onEvent((type, job) => {
          const key = jobKillKey(job);
          if (key && type !== 'delete') enqueue(key);
        });
      },
    },
    {
      reconciler: new ConcurrencyGroupReconciler({ jobs: stores.jobs, writer, events, metrics }),
      watch(caches, enqueue) {
        // Any Job of a group: a finishing Job frees a slot, a new one may be queued. A finishing
        // Job of a grouped Enqueue workload frees that workload's slot too.
        caches.jobs.onEvent((_type, job) => {
          const key = groupKey(job);
          if (key) enqueue(key);
          const workload = readWorkloadLabel(job.metadata.labels);
          if (!key && workload && job.metadata.namespace) {
            for (const other of stores.jobs.listWorkload(job.metadata.namespace, workload)) {
              const otherKey = groupKey(other);
              if (otherKey) enqueue(otherKey);
            }
          }
        });
      },
    },
    {
      reconciler: new WindowReconciler({ cronJobs: stores.cronJobs, writer, events, metrics }),
      watch(caches, enqueue) {
        caches.cronJobs.onEvent((type, cron) => {
          if (type !== 'delete' && hasWindow(cron)) enqueue(keyOf(cron));
        });
      },
    },
    {
      reconciler: new PendingTimeoutReconciler({ pods: stores.pods, jobs: stores.jobs, writer, events, api, metrics }),
      watch(caches, enqueue) {
        caches.pods.onEvent((type, pod) => {
          if (type !== 'delete' && isPendingWorkloadPod(pod)) enqueue(keyOf(pod));
        });
      },
    },
    {
      reconciler: new RetryDelayReconciler({ pods: stores.pods, writer, api, events, metrics }),
      watch(caches, enqueue) {
        // A new pod of a workload with a retry delay arrives gated (Pending): time its release.
        caches.pods.onEvent((type, pod) => {
          if (type !== 'delete' && isRetryGatedPod(pod)) enqueue(keyOf(pod));
        });
      },
    },
    {
      reconciler: new JobRunReconciler({
        jobRuns: stores.jobRuns, jobTemplates: stores.jobTemplates, cronJobs: stores.cronJobs, jobs: stores.jobs, writer, events, metrics,
        retryBaseMs: deps.retryBaseMs, retryMaxMs: deps.retryMaxMs, historyLimit: deps.jobRunHistoryLimit,
      }),
      watch(caches, enqueue) {
        caches.jobRuns.onEvent((type, run) => {
          const key = jobRunKey(run);
          if (type !== 'delete' && key) enqueue(key);
        });
        // A run's Job moved on (or was deleted): its JobRun's status follows.
        caches.jobs.onEvent((_type, job) => {
          const runName = jobRunOf(job);
          const run = runName ? stores.jobRuns.get(job.metadata.namespace, runName) : undefined;
          const key = run ? jobRunKey(run) : undefined;
          if (key) enqueue(key);
        });
        // A template or CronJob appeared or changed: runs waiting for it can start.
        caches.jobTemplates.onEvent((type, template) => {
          if (type !== 'delete') enqueue(keyOf(template));
        });
        caches.cronJobs.onEvent((type, cron) => {
          if (type !== 'delete') enqueue(keyOf(cron));
        });
      },
    },
  ];
}
