import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { toJson_PodTemplateSpec } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { BatchPodProps, DEFAULT_CONTAINER_RESOURCES } from './pod-props';
import { plainJson } from '../kube/plain-json';

/** The label cdk8s-plus puts on pod templates to select them. */
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
 * A workload's pod, in cdk8s-plus-27's vocabulary (containers, init containers, volumes,
 * service account, security context), rendered to plain pod-template JSON.
 *
 * cdk8s-plus-27 is the input vocabulary, not the emitter: its Job can only emit the batch
 * fields of Kubernetes 1.27 (DESIGN §2), and emitting through an `ApiObject` costs a construct
 * name, a `Lazy` and a token resolution over the whole pod per render. The pod is a bare
 * `AbstractPod` (no API object), and `render()` turns its `_toPodSpec()` into JSON the way
 * cdk8s-plus-27's Job would (default token resolution, then the generated L1 mapper), with no
 * construct tree involved.
 */
export class PodTemplate {
  private readonly pod: BatchPod;
  private readonly podMetadata: BatchPodProps['podMetadata'];
  /** The render the synth checks read, kept for the spec until taken (see `renderForChecks`). */
  private checked?: PodTemplateJson;
  /** The render the Jobs of one cell each copy (see `copyForCell`). */
  private cellBase?: PodTemplateJson;

  constructor(owner: Construct, props: BatchPodProps) {
    const scratch = scratchChartFor(Chart.of(owner));
    this.podMetadata = props.podMetadata;
    this.pod = new BatchPod(scratch.chart, `pod${scratch.count++}`, {
      initContainers: props.initContainers?.map(withBatchDefaults),
      volumes: props.volumes,
      serviceAccount: props.serviceAccount,
      automountServiceAccountToken: props.automountServiceAccountToken ?? false,
      restartPolicy: props.restartPolicy ?? kplus.RestartPolicy.NEVER,
      securityContext: props.securityContext,
      terminationGracePeriod: props.terminationGracePeriod,
      dockerRegistryAuth: props.dockerRegistryAuth,
    });
    for (const container of props.containers ?? []) {
      this.addContainer(container);
    }
  }

  public get containers(): kplus.Container[] {
    return this.pod.containers;
  }

  public get initContainers(): kplus.Container[] {
    return this.pod.initContainers;
  }

  public addContainer(props: kplus.ContainerProps): kplus.Container {
    this.forget();
    return this.pod.addContainer(withBatchDefaults(props));
  }

  public addInitContainer(props: kplus.ContainerProps): kplus.Container {
    this.forget();
    return this.pod.addInitContainer(withBatchDefaults(props));
  }

  public addVolume(volume: kplus.Volume): void {
    this.forget();
    this.pod.addVolume(volume);
  }

  /**
   * A render to read, not change. cdk8s validates the whole app once per synth and again in
   * every `chart.toJson()`, all in one synchronous call, and the spec is rendered right after:
   * the render is kept until `take()` takes it, a mutator above changes the pod, or the current
   * synchronous run ends (so it cannot go stale across user code that runs later). One render
   * per workload per synth instead of three.
   */
  public renderForChecks(): PodTemplateJson {
    if (!this.checked) {
      this.checked = this.render();
      queueMicrotask(() => { this.checked = undefined; });
    }
    return this.checked;
  }

  /** A render the caller owns and may change: the one the checks read, if any, else a new one. */
  public take(): PodTemplateJson {
    const template = this.checked ?? this.render();
    this.checked = undefined;
    return template;
  }

  /**
   * A copy of one render shared by the calls of the current synchronous run (one Job per
   * matrix cell: one render and a copy per cell), which the caller owns.
   */
  public copyForCell(): PodTemplateJson {
    if (!this.cellBase) {
      this.cellBase = this.take();
      queueMicrotask(() => { this.cellBase = undefined; });
    }
    this.checked = undefined;
    return JSON.parse(JSON.stringify(this.cellBase));
  }

  /** The pod template as JSON, rendered now: a new object on every call. */
  public render(): PodTemplateJson {
    // What cdk8s-plus-27's Job emits as spec.template: the pod metadata (resolved, empty
    // members dropped, like ApiObjectMetadataDefinition.toJson()) and _toPodSpec().
    const metadata = plainJson(this.podMetadata ?? {}, true);
    const template = toJson_PodTemplateSpec(plainJson({ metadata, spec: this.pod._toPodSpec() })) as PodTemplateJson;
    // cdk8s-plus-27's workloads overwrite this label with their own selector, and it was dropped
    // from their render: a Job needs no selector of ours.
    const labels = { ...template.metadata?.labels };
    delete labels[KPLUS_SELECTOR_LABEL];
    template.metadata = { ...template.metadata, labels };
    return template;
  }

  private forget(): void {
    this.checked = undefined;
    this.cellBase = undefined;
  }
}

/**
 * The pod behind `PodTemplate`: cdk8s-plus-27's pod vocabulary without an API object (nothing
 * here is ever synthesized; `render()` reads `_toPodSpec()`).
 */
class BatchPod extends kplus.AbstractPod {
  public readonly resourceType = 'pods';

  public get podMetadata(): never {
    throw new Error('BatchPod has no metadata of its own: PodTemplate renders it');
  }

  protected get apiObject(): ApiObject {
    throw new Error('BatchPod has no API object: PodTemplate renders it');
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
