import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { BatchPodProps, DEFAULT_CONTAINER_RESOURCES } from './pod-props';

/** The label cdk8s-plus puts on pod templates to select them; a Job needs no selector of ours. */
const KPLUS_SELECTOR_LABEL = 'cdk8s.io/metadata.addr';

/** Kubernetes JSON of a pod template (the fields we read or change). */
export interface PodTemplateJson {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    restartPolicy?: string;
    containers: Array<Record<string, any>>;
    initContainers?: Array<Record<string, any>>;
    [key: string]: unknown;
  };
}

/**
 * Renders a pod template with cdk8s-plus-27's public API.
 *
 * cdk8s-plus-27's Job can only emit the batch fields of Kubernetes 1.27, so the Job itself
 * lives in a scratch app that is never synthesized; we only borrow its rendered pod template
 * and put it into a batch object of our own (DESIGN §2).
 */
export class PodTemplate {
  private readonly job: kplus.Job;

  constructor(owner: Construct, props: BatchPodProps) {
    const scratch = scratchChartFor(Chart.of(owner));
    this.job = new kplus.Job(scratch.chart, `pod${scratch.count++}`, {
      initContainers: props.initContainers?.map(withBatchDefaults),
      volumes: props.volumes,
      serviceAccount: props.serviceAccount,
      automountServiceAccountToken: props.automountServiceAccountToken ?? false,
      restartPolicy: props.restartPolicy ?? kplus.RestartPolicy.NEVER,
      securityContext: props.securityContext,
      terminationGracePeriod: props.terminationGracePeriod,
      dockerRegistryAuth: props.dockerRegistryAuth,
      podMetadata: props.podMetadata,
    });
    for (const container of props.containers ?? []) {
      this.addContainer(container);
    }
  }

  public get containers(): kplus.Container[] {
    return this.job.containers;
  }

  public get initContainers(): kplus.Container[] {
    return this.job.initContainers;
  }

  public get restartPolicy(): kplus.RestartPolicy | undefined {
    return this.job.restartPolicy;
  }

  public addContainer(props: kplus.ContainerProps): kplus.Container {
    return this.job.addContainer(withBatchDefaults(props));
  }

  public addInitContainer(props: kplus.ContainerProps): kplus.Container {
    return this.job.addInitContainer(withBatchDefaults(props));
  }

  public addVolume(volume: kplus.Volume): void {
    this.job.addVolume(volume);
  }

  /** The rendered pod template, without cdk8s-plus's selector label. */
  public render(): PodTemplateJson {
    const job = ApiObject.of(this.job).toJson();
    const template = job.spec.template as PodTemplateJson;
    const labels = { ...template.metadata?.labels };
    delete labels[KPLUS_SELECTOR_LABEL];
    template.metadata = { ...template.metadata, labels };
    return template;
  }
}

/**
 * One scratch chart per user chart: cheaper than an app per workload, and released with the
 * user's chart.
 */
const scratchCharts = new WeakMap<Chart, { chart: Chart; count: number }>();

function scratchChartFor(chart: Chart): { chart: Chart; count: number } {
  let scratch = scratchCharts.get(chart);
  if (!scratch) {
    // A counter, not node.children.length: the latter copies the child list on every call.
    scratch = { chart: new Chart(new App(), 'scratch'), count: 0 };
    scratchCharts.set(chart, scratch);
  }
  return scratch;
}

function withBatchDefaults(props: kplus.ContainerProps): kplus.ContainerProps {
  return { ...props, resources: props.resources ?? DEFAULT_CONTAINER_RESOURCES };
}
