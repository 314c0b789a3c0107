/**
 * Prometheus metrics (prom-client), all on one registry per controller instance so tests
 * can run several side by side. Names are listed in docs/controller.md.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();

  /** Keys waiting in a controller's work queue (not counting keys being processed). */
  readonly queueDepth = new Gauge({
    name: 'cdk8s_batch_workqueue_depth', help: 'Keys waiting in the work queue', labelNames: ['controller'], registers: [this.registry],
  });
  readonly queueAdds = new Counter({
    name: 'cdk8s_batch_workqueue_adds_total', help: 'Keys added to the work queue', labelNames: ['controller'], registers: [this.registry],
  });
  readonly queueRetries = new Counter({
    name: 'cdk8s_batch_workqueue_retries_total',
    help: 'Rate-limited re-adds after a failed or conflicting reconcile',
    labelNames: ['controller'],
    registers: [this.registry],
  });
  readonly reconcileTotal = new Counter({
    name: 'cdk8s_batch_reconcile_total',
    help: 'Reconciles by result (success, requeue, conflict, error)',
    labelNames: ['controller', 'result'],
    registers: [this.registry],
  });
  readonly reconcileErrors = new Counter({
    name: 'cdk8s_batch_reconcile_errors_total',
    help: 'Reconciles that failed (conflicts not counted)',
    labelNames: ['controller'],
    registers: [this.registry],
  });
  readonly reconcileDuration = new Histogram({
    name: 'cdk8s_batch_reconcile_duration_seconds',
    help: 'Time spent in one reconcile',
    labelNames: ['controller'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly admissions = new Counter({
    name: 'cdk8s_batch_enqueue_admissions_total',
    help: 'Queued Jobs admitted (un-suspended)',
    labelNames: ['namespace'],
    registers: [this.registry],
  });
  readonly queueDrops = new Counter({
    name: 'cdk8s_batch_enqueue_dropped_total',
    help: 'Queued Jobs deleted because the queue was over max-queued',
    labelNames: ['namespace'],
    registers: [this.registry],
  });
  readonly queuedJobs = new Gauge({
    name: 'cdk8s_batch_enqueue_queued_jobs',
    help: 'Jobs waiting for admission, per workload',
    labelNames: ['namespace', 'workload'],
    registers: [this.registry],
  });
  readonly activeJobs = new Gauge({
    name: 'cdk8s_batch_enqueue_active_jobs',
    help: 'Admitted (running) Jobs, per Enqueue workload',
    labelNames: ['namespace', 'workload'],
    registers: [this.registry],
  });
  readonly pendingTimeouts = new Counter({
    name: 'cdk8s_batch_pending_timeout_failures_total',
    help: 'Pods failed because they stayed Pending too long',
    labelNames: ['namespace'],
    registers: [this.registry],
  });
  readonly retryDelayReleases = new Counter({
    name: 'cdk8s_batch_retry_delay_releases_total',
    help: 'Pods released from the retry-delay scheduling gate; delayed="true" when the pod had to wait for its retry delay',
    labelNames: ['namespace', 'delayed'],
    registers: [this.registry],
  });
  readonly windowSuspensions = new Counter({
    name: 'cdk8s_batch_window_suspensions_total',
    help: 'CronJobs suspended because they were outside their run window',
    labelNames: ['namespace'],
    registers: [this.registry],
  });
  readonly windowResumptions = new Counter({
    name: 'cdk8s_batch_window_resumptions_total',
    help: 'CronJobs resumed because their run window opened',
    labelNames: ['namespace'],
    registers: [this.registry],
  });
  readonly jobRuns = new Counter({
    name: 'cdk8s_batch_job_runs_total',
    help: 'JobRuns decided, by result: started, queued, replaced, refused, invalid, rejected (a permanent 4xx), lost, retry (a transient failure)',
    labelNames: ['namespace', 'result'],
    registers: [this.registry],
  });
  readonly informerSynced = new Gauge({
    name: 'cdk8s_batch_informer_synced', help: '1 once the informer has listed its resource', labelNames: ['resource'], registers: [this.registry],
  });
  readonly informerRestarts = new Counter({
    name: 'cdk8s_batch_informer_restarts_total',
    help: 'Informer restarts (reason: error or watchdog relist)',
    labelNames: ['resource', 'reason'],
    registers: [this.registry],
  });
  readonly leader = new Gauge({
    name: 'cdk8s_batch_leader', help: '1 while this instance holds the leader Lease', registers: [this.registry],
  });
  readonly events = new Counter({
    name: 'cdk8s_batch_events_total',
    help: 'Kubernetes Events emitted, by reason',
    labelNames: ['reason', 'type'],
    registers: [this.registry],
  });

  /** Adds Node.js process metrics (CPU, memory, event loop lag). */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry });
  }
}
