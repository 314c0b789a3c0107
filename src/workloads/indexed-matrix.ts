import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Completion, CompletionMode } from './completion';
import { contentHash } from './config';
import { MatrixDelivery, MatrixDeliveryMode } from './matrix-delivery';
import { PodTemplateJson } from './pod-template';
import { PREFIX } from '../contract/keys';
import { matrixCellLabel, workloadLabel } from '../contract/labels';
import { BatchValidationError } from '../errors';
import { KUBERNETES_FEATURES, KubernetesVersion } from '../kube/kubernetes-version';
import { checkConfigMapData } from '../kube/validation';
import { Matrix } from '../matrix';
import { CONFIG_MAP_MAX_DATA_BYTES, matrixDataKey } from '../matrix/config-map';
import { SubstitutionScopes } from '../options';
import { escapeForKubelet } from '../options/substitute';
import { Substitution } from '../options/substitution';

/** Where every container finds its cell's values as files: `/etc/cdk8s-batch/matrix/<key>`. */
export const MATRIX_MOUNT_ROOT = '/etc/cdk8s-batch/matrix';
/** The pod volume holding every cell (the matrix ConfigMap). */
export const MATRIX_VOLUME = 'cdk8s-batch-matrix';
/** The emptyDir the cell's env file is copied into, and the init container that copies it. */
export const CELL_VOLUME = 'cdk8s-batch-cell';
/** The init container that copies the cell's env file into `CELL_VOLUME`. */
export const CELL_INIT_CONTAINER = 'cdk8s-batch-cell';
/** A pinned busybox: `cp` without a shell. */
export const DEFAULT_CELL_INIT_IMAGE = 'busybox:1.36.1';
/** The env file inside `CELL_VOLUME`. */
export const CELL_ENV_FILE = 'cell.env';
/** Where the init container sees its cell's env file (from the ConfigMap) and the emptyDir. */
const INIT_IN_FILE = '/cdk8s-batch/in/cell.env';
const INIT_OUT_DIR = '/cdk8s-batch/cell';
const INDEX = '$(JOB_COMPLETION_INDEX)';
/** The kubelet reads an env file with a bufio.Scanner: 64 KiB per line, the newline included. */
const MAX_ENV_FILE_LINE_BYTES = 65_535;

/** The matrix settings a workload passes in. */
export interface IndexedMatrixSettings {
  readonly matrix: Matrix;
  readonly maxParallel?: number;
  readonly completion?: Completion;
  readonly cellInitImage?: string;
  readonly maxAttempts?: number;
  readonly restartPolicy?: kplus.RestartPolicy;
  /** Chosen by the workload (the prop, else from the target version). */
  readonly delivery: MatrixDelivery;
}

/** Pod annotation holding a cell's value of the key at `position` in key order (one Job per cell). */
export function cellValueAnnotation(position: number): string {
  return `${PREFIX}/matrix-${position}`;
}

/** Kubernetes' limit on all annotations of one object together, keys and values (TotalAnnotationSizeLimitB). */
const MAX_ANNOTATION_BYTES = 262_144;

/**
 * Everything an Indexed Job over a matrix needs, in one place for every workload that has
 * one (ParallelMatrixJob, ScheduledBatch with a matrix): the Job fields, the matrix
 * ConfigMap's data, the `${matrix.KEY}` scope and the pod changes that deliver each cell.
 */
export class IndexedMatrix {
  public readonly matrix: Matrix;
  public readonly parallelism: number;
  public readonly completion: Completion;
  public readonly cellInitImage: string;
  public readonly delivery: MatrixDelivery;
  private readonly maxAttempts: number;
  /** Keys that some cell has no value for: their env var is optional. */
  private readonly raggedKeys: Set<string>;
  private configMapName?: string;

  constructor(settings: IndexedMatrixSettings) {
    const matrix = settings.matrix;
    if (!(matrix instanceof Matrix)) {
      throw new BatchValidationError('matrix', String(matrix), 'is not a Matrix',
        'Build it with Matrix.count(), Matrix.keys() or Matrix.of().');
    }
    this.matrix = matrix;
    const maxParallel = settings.maxParallel ?? matrix.cellCount;
    if (!Number.isInteger(maxParallel) || maxParallel < 1) {
      throw new BatchValidationError('maxParallel', String(settings.maxParallel), 'must be a whole number of at least 1',
        `Use e.g. 2 to run two cells at a time, or leave it unset to run all ${matrix.cellCount} at once.`);
    }
    this.parallelism = Math.min(maxParallel, matrix.cellCount);
    this.delivery = settings.delivery;
    const perCell = this.delivery.mode === MatrixDeliveryMode.JOB_PER_CELL;
    if (perCell && this.parallelism < matrix.cellCount) {
      throw new BatchValidationError('maxParallel', String(maxParallel),
        `cannot be applied with one Job per cell (MatrixDelivery.jobPerCell()): all ${matrix.cellCount} Jobs start at once`,
        'Remove maxParallel, or use matrixDelivery: MatrixDelivery.files() (one Indexed Job, Kubernetes 1.33 or later), whose parallelism caps the cells.');
    }
    // One Job per cell: each Job runs to its end, so "every cell, without fail-fast" is the one completion a set of Jobs has.
    this.completion = settings.completion ?? (perCell ? Completion.allSuccessful({ failFast: false }) : Completion.allSuccessful());
    this.cellInitImage = settings.cellInitImage ?? DEFAULT_CELL_INIT_IMAGE;
    if (this.cellInitImage.trim() === '') {
      throw new BatchValidationError('cellInitImage', this.cellInitImage, 'is empty',
        `Name an image with a \`cp\` binary, or leave it unset for ${DEFAULT_CELL_INIT_IMAGE}.`);
    }
    this.maxAttempts = settings.maxAttempts ?? 3;
    const restart = settings.restartPolicy ?? kplus.RestartPolicy.NEVER;
    if (restart !== kplus.RestartPolicy.NEVER) {
      throw new BatchValidationError('restartPolicy', restart,
        'is not allowed with a matrix (per-cell retries, backoffLimitPerIndex, count failed pods and need restartPolicy Never)',
        'Remove restartPolicy (it defaults to Never).');
    }
    this.raggedKeys = new Set(matrix.keyNames.filter((key) => matrix._cellTable.some((cell) => !Object.hasOwn(cell, key))));
  }

  /**
   * The ConfigMap data: `<index>.<key>` → value (the matrix core's layout; an empty file
   * for a key the cell does not have) and `<index>.env` → the cell's env file.
   */
  public configMapData(): Record<string, string> {
    const matrix = this.matrix;
    matrix.checkFitsInConfigMap();
    const data: Record<string, string> = {};
    matrix._cellTable.forEach((cell, index) => {
      const lines: string[] = [];
      for (const key of matrix.keyNames) {
        const value = Object.hasOwn(cell, key) ? cell[key] : undefined;
        data[matrixDataKey(index, key)] = value ?? '';
        if (value !== undefined && this.envFiles) {
          lines.push(`${Matrix.envName(key)}=${envFileValue(index, key, value)}\n`);
        }
      }
      if (this.envFiles) {
        data[`${index}.env`] = lines.join('');
      }
    });
    const bytes = Object.values(data).reduce((sum, value) => sum + Buffer.byteLength(value, 'utf8'), 0);
    if (bytes > CONFIG_MAP_MAX_DATA_BYTES) {
      throw new BatchValidationError('matrix', `${bytes} bytes`,
        `needs more than a ConfigMap holds (${CONFIG_MAP_MAX_DATA_BYTES} bytes): each value is stored twice, as a file and in the cell's env file`,
        'Shorten the values or use fewer cells; about half of 1 MiB is left for the values themselves.');
    }
    checkConfigMapData('matrix', data);
    return data;
  }

  /**
   * Creates the matrix ConfigMap `<workload>-matrix-<hash>`: immutable and named after its
   * content, like the config ConfigMap.
   */
  public createConfigMap(scope: Construct, workloadName: string, namespace: string | undefined): ApiObject | undefined {
    if (this.perCell) {
      // Each cell's values are written into its own Job: no ConfigMap to leave behind.
      return undefined;
    }
    const data = this.configMapData();
    this.configMapName = `${workloadName}-matrix-${contentHash(data)}`;
    // A plain ApiObject: cdk8s-plus-27's ConfigMap serializes its data in quadratic time,
    // which makes a 10,000-cell matrix take minutes instead of a second (bench/README.md).
    return new ApiObject(scope, 'Matrix', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: this.configMapName, namespace, labels: workloadLabel(workloadName) },
      data,
      immutable: true,
    });
  }

  /** The Job spec fields of the Indexed Job, merged over the shared ones. */
  public jobFields(): Record<string, unknown> {
    if (this.perCell) {
      // A plain Job per cell: one pod to success, backoffLimit (maxAttempts - 1) is the cell's retries.
      return {};
    }
    const all = this.completion.mode === CompletionMode.ALL_SUCCESSFUL;
    return {
      // Kubernetes defaults backoffLimit to MaxInt32 with per-index retries; the per-cell limit applies.
      backoffLimit: undefined,
      completionMode: 'Indexed',
      completions: this.matrix.cellCount,
      parallelism: this.parallelism,
      backoffLimitPerIndex: this.maxAttempts - 1,
      maxFailedIndexes: all && this.completion.failFast ? 0 : undefined,
      successPolicy: all ? undefined : { rules: [{ succeededCount: 1 }] },
    };
  }

  /** Whether the cells also reach the pods as `MATRIX_<KEY>` variables. */
  public get envFiles(): boolean {
    return this.delivery.mode === MatrixDeliveryMode.ENV_FILES;
  }

  /** Whether every cell is a Job of its own (no Indexed Job, no ConfigMap). */
  public get perCell(): boolean {
    return this.delivery.mode === MatrixDeliveryMode.JOB_PER_CELL;
  }

  /** Whether the completion needs the Indexed Job fields a set of Jobs does not have (fail-fast, any successful). */
  public get completionNeedsIndexedJob(): boolean {
    return this.completion.mode === CompletionMode.ANY_SUCCESSFUL || this.completion.failFast;
  }

  /**
   * `${matrix.KEY}` → cell `index`'s value itself (one Job per cell), with every `$` written
   * `$$`: command, args and env values are expanded by the kubelet, which turns `$$` back into
   * `$`, so the process gets the value as written, as with the other deliveries.
   */
  public cellScope(index: number, forKubelet = true): Record<string, string> {
    const cell = this.matrix._cellTable[index];
    const scope: Record<string, string> = {};
    for (const key of this.matrix.keyNames) {
      if (Object.hasOwn(cell, key)) {
        scope[key] = forKubelet ? escapeForKubelet(cell[key]) : cell[key];
      } else if (forKubelet) {
        // A key this cell lacks: as with env files, `$(MATRIX_<KEY>)` of an unset variable stays as written.
        scope[key] = `$(${Matrix.envName(key)})`;
      }
    }
    return scope;
  }

  /**
   * Puts the images back from `before` (the pod spec before substitution) with cell `index`'s
   * values as written: an image is not expanded by the kubelet, so it takes no `$$`.
   */
  public substituteCellImages(
    before: Record<string, any>, after: Record<string, any>, scopes: SubstitutionScopes, index: number, path: string,
  ): void {
    const matrix = this.cellScope(index, false);
    for (const list of ['initContainers', 'containers'] as const) {
      (before[list] ?? []).forEach((container: Record<string, any>, i: number) => {
        if (typeof container.image === 'string') {
          after[list][i].image = Substitution.inText(container.image, { ...scopes, matrix }, `${path}.${list}[${i}].image`);
        }
      });
    }
  }

  /** `${matrix.KEY}` → `$(MATRIX_KEY)`, which the kubelet expands in command, args and env values. */
  public scope(): Record<string, string> {
    const scope: Record<string, string> = {};
    for (const key of this.matrix.keyNames) {
      scope[key] = `$(${Matrix.envName(key)})`;
    }
    return scope;
  }

  /**
   * Fails when a container's image refers to the matrix: every pod of an Indexed Job runs
   * the same images.
   */
  public checkImages(podSpec: Record<string, any>, scopes: SubstitutionScopes, path: string): void {
    const marker = '\u0000cdk8s-batch-matrix\u0000';
    const markers: Record<string, string> = {};
    for (const key of this.matrix.keyNames) {
      markers[key] = marker;
    }
    for (const list of ['initContainers', 'containers'] as const) {
      (podSpec[list] ?? []).forEach((container: Record<string, any>, i: number) => {
        const field = `${path}.${list}[${i}].image`;
        if (!this.perCell && typeof container.image === 'string' &&
          Substitution.inText(container.image, { ...scopes, matrix: markers }, field).includes(marker)) {
          throw new BatchValidationError(field, container.image, 'refers to the matrix',
            'Every pod of the Indexed matrix Job runs the same image. Use matrixDelivery: MatrixDelivery.jobPerCell() for one Job (and image) per cell, ' +
            'or pass the cell\'s value to the container in command, args or env instead (e.g. ${matrix.KEY} in args).');
        }
        if (this.delivery.mode === MatrixDeliveryMode.FILES) {
          const texts: Array<[string, unknown]> = [
            ...((container.command ?? []) as unknown[]).map((v, j): [string, unknown] => [`command[${j}]`, v]),
            ...((container.args ?? []) as unknown[]).map((v, j): [string, unknown] => [`args[${j}]`, v]),
            ...((container.env ?? []) as Array<Record<string, unknown>>).map((e, j): [string, unknown] => [`env[${j}].value`, e.value]),
          ];
          for (const [sub, text] of texts) {
            const at = `${path}.${list}[${i}].${sub}`;
            if (typeof text === 'string' && Substitution.inText(text, { ...scopes, matrix: markers }, at).includes(marker)) {
              throw new BatchValidationError(at, text, 'refers to the matrix, and MatrixDelivery.files() delivers the cell only as files',
                `Read the value from ${MATRIX_MOUNT_ROOT}/<key> in the container, or use matrixDelivery: MatrixDelivery.envFiles() (Kubernetes 1.35 or later) or MatrixDelivery.jobPerCell() (any version).`);
            }
          }
        }
      });
    }
  }

  /** Problems with names the matrix delivery reserves, for synth validation. */
  public conflicts(podSpec: Record<string, any>): string[] {
    const errors: string[] = [];
    const envNames = new Set(this.delivery.mode !== MatrixDeliveryMode.FILES ? this.matrix.keyNames.map((key) => Matrix.envName(key)) : []);
    for (const volume of podSpec.volumes ?? []) {
      if (volume.name === MATRIX_VOLUME || volume.name === CELL_VOLUME) {
        errors.push(`volumes: the volume name "${volume.name}" is reserved for the matrix delivery. Rename the volume.`);
      }
    }
    for (const list of ['initContainers', 'containers'] as const) {
      for (const container of podSpec[list] ?? []) {
        if (container.name === CELL_INIT_CONTAINER) {
          errors.push(`${list}: the container name "${CELL_INIT_CONTAINER}" is reserved for the matrix delivery. Rename the container.`);
        }
        for (const env of container.env ?? []) {
          if (envNames.has(env.name)) {
            errors.push(`${list}: container "${container.name}" sets ${env.name}, which the matrix sets. ` +
              'Remove the variable; the matrix value reaches the container under that name.');
          }
        }
        for (const mount of container.volumeMounts ?? []) {
          const p = String(mount.mountPath);
          if (p === MATRIX_MOUNT_ROOT || p.startsWith(`${MATRIX_MOUNT_ROOT}/`)) {
            errors.push(`${list}: container "${container.name}" mounts a volume at ${p}, inside ${MATRIX_MOUNT_ROOT}, where the matrix files are. Mount it elsewhere.`);
          }
        }
      }
    }
    return errors;
  }

  /**
   * Writes cell `index` into a rendered pod template (changed in place), for one Job per cell:
   * every value as a pod annotation, projected by a downward API volume to
   * `/etc/cdk8s-batch/matrix/<key>` (an empty file for a key the cell does not have), and
   * `MATRIX_<KEY>` as a literal env value (`$` written `$$`) in every container.
   */
  public deliverCell(template: PodTemplateJson, index: number): void {
    const cell = this.matrix._cellTable[index];
    const keys = this.matrix.keyNames;
    const annotations: Record<string, string> = { ...template.metadata.annotations };
    keys.forEach((key, position) => {
      annotations[cellValueAnnotation(position)] = Object.hasOwn(cell, key) ? cell[key] : '';
    });
    const bytes = Object.entries(annotations).reduce((sum, [k, v]) => sum + Buffer.byteLength(k, 'utf8') + Buffer.byteLength(v, 'utf8'), 0);
    if (bytes > MAX_ANNOTATION_BYTES) {
      throw new BatchValidationError(`matrix cell ${index}`, `${bytes} bytes`,
        `is too large for the pod's annotations, which carry the cell's values with one Job per cell (Kubernetes allows ${MAX_ANNOTATION_BYTES} bytes of annotations per object)`,
        'Shorten the values, or use matrixDelivery: MatrixDelivery.files(), which carries them in a ConfigMap (1 MiB for all cells).');
    }
    template.metadata = {
      ...template.metadata,
      labels: { ...template.metadata.labels, ...matrixCellLabel(index) },
      annotations,
    };
    const env = keys.filter((key) => Object.hasOwn(cell, key))
      .map((key) => ({ name: Matrix.envName(key), value: escapeForKubelet(cell[key]) }));
    const mount = { name: MATRIX_VOLUME, mountPath: MATRIX_MOUNT_ROOT, readOnly: true };
    const withCell = (container: Record<string, any>): Record<string, any> => ({
      ...container,
      env: [...env, ...(container.env ?? [])],
      volumeMounts: [...(container.volumeMounts ?? []), mount],
    });
    const spec = template.spec;
    spec.initContainers = spec.initContainers?.map(withCell);
    spec.containers = spec.containers.map(withCell);
    spec.volumes = [...((spec.volumes as unknown[] | undefined) ?? []), {
      name: MATRIX_VOLUME,
      downwardAPI: {
        items: keys.map((key, position) => ({ path: key, fieldRef: { fieldPath: `metadata.annotations['${cellValueAnnotation(position)}']` } })),
      },
    }];
  }

  /**
   * Adds the cell delivery to a rendered pod template (changed in place): the ConfigMap and
   * emptyDir volumes, the init container that copies the cell's env file, and in every other
   * container one file per key under `/etc/cdk8s-batch/matrix` and `MATRIX_<KEY>` env vars.
   */
  public deliver(template: PodTemplateJson): void {
    const configMapName = this.configMapName;
    if (configMapName === undefined) {
      throw new Error('cdk8s-batch: the matrix ConfigMap must be created before the Job is rendered');
    }
    const spec = template.spec;
    const keys = this.matrix.keyNames;
    const mounts = keys.map((key) => ({
      name: MATRIX_VOLUME,
      mountPath: `${MATRIX_MOUNT_ROOT}/${key}`,
      subPathExpr: `${INDEX}.${key}`,
      readOnly: true,
    }));
    if (!this.envFiles) {
      spec.initContainers = spec.initContainers?.map((c) => ({ ...c, volumeMounts: [...(c.volumeMounts ?? []), ...mounts] }));
      spec.containers = spec.containers.map((c) => ({ ...c, volumeMounts: [...(c.volumeMounts ?? []), ...mounts] }));
      spec.volumes = [...((spec.volumes as unknown[] | undefined) ?? []), { name: MATRIX_VOLUME, configMap: { name: configMapName } }];
      return;
    }
    const env = keys.map((key) => ({
      name: Matrix.envName(key),
      valueFrom: {
        fileKeyRef: {
          volumeName: CELL_VOLUME,
          path: CELL_ENV_FILE,
          key: Matrix.envName(key),
          ...(this.raggedKeys.has(key) ? { optional: true } : {}),
        },
      },
    }));
    const withCell = (container: Record<string, any>): Record<string, any> => ({
      ...container,
      // First, so that user env values can refer to them with $(MATRIX_KEY).
      env: [...env, ...(container.env ?? [])],
      volumeMounts: [...(container.volumeMounts ?? []), ...mounts],
    });
    const init = {
      name: CELL_INIT_CONTAINER,
      image: this.cellInitImage,
      command: ['cp', INIT_IN_FILE, `${INIT_OUT_DIR}/${CELL_ENV_FILE}`],
      resources: { limits: { cpu: '100m', memory: '16Mi' }, requests: { cpu: '10m', memory: '16Mi' } },
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsGroup: 65534,
        runAsNonRoot: true,
        runAsUser: 65534,
      },
      volumeMounts: [
        { name: MATRIX_VOLUME, mountPath: INIT_IN_FILE, subPathExpr: `${INDEX}.env`, readOnly: true },
        { name: CELL_VOLUME, mountPath: INIT_OUT_DIR },
      ],
    };
    spec.initContainers = [init, ...(spec.initContainers ?? []).map(withCell)];
    spec.containers = spec.containers.map(withCell);
    spec.volumes = [
      ...((spec.volumes as unknown[] | undefined) ?? []),
      { name: MATRIX_VOLUME, configMap: { name: configMapName } },
      { name: CELL_VOLUME, emptyDir: { sizeLimit: '1Mi' } },
    ];
  }
}

/**
 * A value as written into an env file: single-quoted, the form of the Kubernetes env file
 * standard (the kubelet's parser, pkg/kubelet/util/env: content within single quotes is
 * literal, line breaks included). A single quote cannot be written inside one, and a carriage
 * return before a line break is dropped by the kubelet's line reader, so both are rejected.
 * Each physical line of the assignment must fit the kubelet's 64 KiB line buffer.
 */
function envFileValue(index: number, key: string, value: string): string {
  const name = Matrix.envName(key);
  if (value.includes('\'')) {
    throw new BatchValidationError(`matrix cell ${index} key "${key}"`, value,
      `holds a single quote, which the cell's env file cannot carry (${name} is written single-quoted, and the format has no escape)`,
      'Remove the single quote, or use matrixDelivery: MatrixDelivery.files() or MatrixDelivery.jobPerCell(), which carry any value.');
  }
  if (value.includes('\r\n')) {
    throw new BatchValidationError(`matrix cell ${index} key "${key}"`, value,
      `holds a carriage return before a line break, which the kubelet drops when it reads the cell's env file (${name} would arrive with "\\n" only)`,
      'Use "\\n" line breaks, or use matrixDelivery: MatrixDelivery.files() or MatrixDelivery.jobPerCell(), which carry any value.');
  }
  const lines = `${name}='${value}'`.split('\n');
  lines.forEach((line, i) => {
    const bytes = Buffer.byteLength(line, 'utf8');
    if (bytes > MAX_ENV_FILE_LINE_BYTES) {
      const which = lines.length === 1 ? '' : ` (line ${i + 1} of its ${lines.length} lines)`;
      throw new BatchValidationError(`matrix cell ${index} key "${key}"`, `${value.slice(0, 40)}... (${bytes} bytes as an env file line${which})`,
        `is too long for the kubelet, which reads env files line by line with a limit of ${MAX_ENV_FILE_LINE_BYTES} bytes per line (${name}='...')`,
        'Shorten the value, or use matrixDelivery: MatrixDelivery.files() or MatrixDelivery.jobPerCell(), which have no such limit.');
    }
  });
  return `'${value}'`;
}

/**
 * The delivery a target gets when the workload does not choose: env files from 1.35
 * (EnvFiles), files from 1.33 (the Indexed Job fields), below that one Job per cell where the
 * workload can run one (a ParallelMatrixJob; `jobPerCell`).
 */
export function defaultMatrixDelivery(target: KubernetesVersion, jobPerCell: boolean): MatrixDelivery {
  if (target.isAtLeast(KUBERNETES_FEATURES.matrixEnv.minVersion)) return MatrixDelivery.envFiles();
  if (jobPerCell && !target.isAtLeast(KUBERNETES_FEATURES.matrixRetriesPerCell.minVersion)) return MatrixDelivery.jobPerCell();
  return MatrixDelivery.files();
}
