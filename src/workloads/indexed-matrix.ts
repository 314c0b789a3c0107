import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Completion, CompletionMode } from './completion';
import { contentHash } from './config';
import { MatrixDelivery, MatrixDeliveryMode } from './matrix-delivery';
import { PodTemplateJson } from './pod-template';
import { workloadLabel } from '../contract/labels';
import { BatchValidationError } from '../errors';
import { checkConfigMapData } from '../kube/validation';
import { Matrix } from '../matrix';
import { CONFIG_MAP_MAX_DATA_BYTES, matrixDataKey } from '../matrix/config-map';
import { SubstitutionScopes } from '../options';
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
    this.completion = settings.completion ?? Completion.allSuccessful();
    this.cellInitImage = settings.cellInitImage ?? DEFAULT_CELL_INIT_IMAGE;
    if (this.cellInitImage.trim() === '') {
      throw new BatchValidationError('cellInitImage', this.cellInitImage, 'is empty',
        `Name an image with a \`cp\` binary, or leave it unset for ${DEFAULT_CELL_INIT_IMAGE}.`);
    }
    this.delivery = settings.delivery;
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
  public createConfigMap(scope: Construct, workloadName: string, namespace: string | undefined): ApiObject {
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
        if (typeof container.image === 'string' &&
          Substitution.inText(container.image, { ...scopes, matrix: markers }, field).includes(marker)) {
          throw new BatchValidationError(field, container.image, 'refers to the matrix',
            'Every pod of the matrix Job runs the same image: one image per cell needs one Job per cell, which the Indexed delivery does not support. ' +
            'Pass the cell\'s value to the container in command, args or env instead (e.g. ${matrix.KEY} in args).');
        }
        if (!this.envFiles) {
          const texts: Array<[string, unknown]> = [
            ...((container.command ?? []) as unknown[]).map((v, j): [string, unknown] => [`command[${j}]`, v]),
            ...((container.args ?? []) as unknown[]).map((v, j): [string, unknown] => [`args[${j}]`, v]),
            ...((container.env ?? []) as Array<Record<string, unknown>>).map((e, j): [string, unknown] => [`env[${j}].value`, e.value]),
          ];
          for (const [sub, text] of texts) {
            const at = `${path}.${list}[${i}].${sub}`;
            if (typeof text === 'string' && Substitution.inText(text, { ...scopes, matrix: markers }, at).includes(marker)) {
              throw new BatchValidationError(at, text, 'refers to the matrix, and MatrixDelivery.files() delivers the cell only as files',
                `Read the value from ${MATRIX_MOUNT_ROOT}/<key> in the container, or use matrixDelivery: MatrixDelivery.envFiles() (Kubernetes 1.35 or later).`);
            }
          }
        }
      });
    }
  }

  /** Problems with names the matrix delivery reserves, for synth validation. */
  public conflicts(podSpec: Record<string, any>): string[] {
    const errors: string[] = [];
    const envNames = new Set(this.envFiles ? this.matrix.keyNames.map((key) => Matrix.envName(key)) : []);
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
 * standard. Single-quoted values cannot hold a single quote, and env files hold one
 * variable per line, so both are rejected.
 */
function envFileValue(index: number, key: string, value: string): string {
  if (/[\n\r]/.test(value)) {
    throw new BatchValidationError(`matrix cell ${index} key "${key}"`, value,
      `holds a line break, which the cell's env file cannot carry (${Matrix.envName(key)})`,
      `Remove the line break, or use matrixDelivery: MatrixDelivery.files(), which carries any value as the file ${MATRIX_MOUNT_ROOT}/${key}.`);
  }
  if (value.includes('\'')) {
    throw new BatchValidationError(`matrix cell ${index} key "${key}"`, value,
      `holds a single quote, which the cell's env file cannot carry (${Matrix.envName(key)} is written single-quoted)`,
      `Remove the single quote, or use matrixDelivery: MatrixDelivery.files(), which carries any value as the file ${MATRIX_MOUNT_ROOT}/${key}.`);
  }
  const line = `${Matrix.envName(key)}='${value}'`;
  const bytes = Buffer.byteLength(line, 'utf8');
  if (bytes > MAX_ENV_FILE_LINE_BYTES) {
    throw new BatchValidationError(`matrix cell ${index} key "${key}"`, `${value.slice(0, 40)}... (${bytes} bytes as an env file line)`,
      `is too long for the kubelet, which reads env files line by line with a limit of ${MAX_ENV_FILE_LINE_BYTES} bytes per line (${Matrix.envName(key)}='...')`,
      `Shorten the value, or use matrixDelivery: MatrixDelivery.files(), which carries it as the file ${MATRIX_MOUNT_ROOT}/${key}.`);
  }
  return `'${value}'`;
}
