/**
 * A small model of what the kubelet and the Job controller make of a synthesized Indexed
 * Job: given the manifest (Job or CronJob, plus ConfigMaps) and a completion index, what each
 * container of that index's pod sees — mounted files, environment variables and the command
 * and args after `$(VAR)` expansion.
 *
 * It implements, independently of the generator, the Kubernetes rules the matrix delivery
 * relies on:
 * - the Job controller adds `JOB_COMPLETION_INDEX` to every container and init container
 *   that does not define it (appended to `env`);
 * - `subPathExpr` is expanded with the container's environment;
 * - a ConfigMap volume mounted with a subPath shows that one data key as a file; without a
 *   subPath (and without `items`) every key is a file in the mount directory;
 * - init containers run in order; the only command modelled is `cp SRC DST` (what the cell
 *   init container runs), which copies between mounted files;
 * - env: `envFrom` first, then `env` in order, each `value` expanded with the variables
 *   defined so far; `valueFrom.fileKeyRef` reads a key from an env file in an emptyDir
 *   volume (written by an init container), `configMapKeyRef` from a ConfigMap;
 * - command and args are expanded with the container's final environment;
 * - one Job per cell (`MatrixDelivery.jobPerCell()`): the index picks the Job labelled
 *   `cdk8s-batch.dev/matrix-cell: <index>`, which is not Indexed (no `JOB_COMPLETION_INDEX`);
 *   a downward API volume shows each item's pod annotation (`metadata.annotations['k']`) as a
 *   file, an empty one when the annotation is absent;
 * - env files (`fileKeyRef`) follow the kubelet's parser (pkg/kubelet/util/env): values in
 *   single quotes, taken literally, line breaks included;
 * - `$(VAR)` expansion (k8s.io/kubernetes third_party/forked/golang/expansion): `$$` is a
 *   literal `$`, `$(NAME)` is replaced when NAME is defined and left as written otherwise,
 *   any other `$` is kept.
 */

export interface ContainerView {
  readonly name: string;
  /** Mounted files: absolute path → content. */
  readonly files: Record<string, string>;
  /** The environment, in Kubernetes' precedence. */
  readonly env: Record<string, string>;
  readonly command?: string[];
  readonly args?: string[];
}

export interface PodView {
  readonly initContainers: ContainerView[];
  readonly containers: ContainerView[];
}

/** Kubernetes' `$(VAR)` expansion of `input` with `vars`. */
export function expandKubernetes(input: string, vars: Record<string, string>): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      i++;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += '$(';
        i += 2;
      } else {
        const name = input.slice(i + 2, close);
        out += Object.hasOwn(vars, name) ? vars[name] : `$(${name})`;
        i = close + 1;
      }
    } else {
      out += `$${next}`;
      i += 2;
    }
  }
  return out;
}

/**
 * Parses an env file as the kubelet does for `fileKeyRef` (pkg/kubelet/util/env, ParseEnv):
 * `KEY='VALUE'` with the value single-quoted and taken literally, spanning lines until the
 * closing quote; blank lines and `#` comments are skipped; anything else is an error.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^[ \t]+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`env file line without "=": ${JSON.stringify(line)}`);
    const key = line.slice(0, eq);
    if (!line.slice(eq + 1).startsWith('\'')) throw new Error(`env file value not single-quoted: ${JSON.stringify(line)}`);
    let rest = line.slice(eq + 2);
    let value = '';
    for (;;) {
      const close = rest.indexOf('\'');
      if (close >= 0) {
        value += rest.slice(0, close);
        const after = rest.slice(close + 1).replace(/^[ \t]+/, '');
        if (after !== '' && !after.startsWith('#')) throw new Error(`env file: content after the closing quote: ${JSON.stringify(rest)}`);
        break;
      }
      value += `${rest}\n`;
      i++;
      if (i >= lines.length) throw new Error(`env file: unclosed single quote for ${key}`);
      rest = lines[i];
    }
    out[key] = value;
  }
  return out;
}

/** The Job spec and pod template metadata for `index`: the Indexed Job, or the cell's own Job. */
function jobSpecOf(objects: any[], index: number): { spec: any; perCell: boolean } {
  const jobs = objects.filter((o) => o.kind === 'Job' || o.kind === 'CronJob');
  const cellJobs = jobs.filter((o) => o.metadata?.labels?.['cdk8s-batch.dev/matrix-cell'] !== undefined);
  if (cellJobs.length > 0) {
    const job = cellJobs.find((o) => o.metadata.labels['cdk8s-batch.dev/matrix-cell'] === String(index));
    if (!job) throw new Error(`no Job for cell ${index}`);
    return { spec: job.spec, perCell: true };
  }
  if (jobs.length !== 1) throw new Error(`expected one Job or CronJob, got ${jobs.length}`);
  return { spec: jobs[0].kind === 'Job' ? jobs[0].spec : jobs[0].spec.jobTemplate.spec, perCell: false };
}

/** What each container of the pod with completion index `index` sees. */
export function podView(objects: any[], index: number): PodView {
  const { spec: jobSpec, perCell } = jobSpecOf(objects, index);
  if (!perCell) {
    if (jobSpec.completionMode !== 'Indexed') throw new Error('not an Indexed Job');
    if (!Number.isInteger(index) || index < 0 || index >= jobSpec.completions) {
      throw new Error(`index ${index} is not a completion index (0 to ${jobSpec.completions - 1})`);
    }
  }
  const pod = jobSpec.template.spec;
  const podAnnotations: Record<string, string> = jobSpec.template.metadata?.annotations ?? {};
  const configMaps = new Map<string, Record<string, string>>();
  for (const o of objects) {
    if (o.kind === 'ConfigMap') configMaps.set(o.metadata.name, o.data ?? {});
  }
  const volumes = new Map<string, any>((pod.volumes ?? []).map((v: any) => [v.name, v]));
  // emptyDir contents, shared by the containers of the pod: volume name → relative path → content.
  const emptyDirs = new Map<string, Map<string, string>>();
  for (const v of volumes.values()) {
    if (v.emptyDir) emptyDirs.set(v.name, new Map());
  }

  const view = (container: any, init: boolean): ContainerView => {
    // The Job controller's JOB_COMPLETION_INDEX, appended when the container does not set it.
    const envList: any[] = [...(container.env ?? [])];
    if (!perCell && !envList.some((e) => e.name === 'JOB_COMPLETION_INDEX')) {
      envList.push({ name: 'JOB_COMPLETION_INDEX', value: String(index) });
    }
    const env: Record<string, string> = {};
    for (const from of container.envFrom ?? []) {
      const data = configMaps.get(from.configMapRef?.name);
      if (!data) throw new Error(`envFrom: no ConfigMap ${from.configMapRef?.name}`);
      Object.assign(env, data);
    }
    for (const e of envList) {
      if (typeof e.value === 'string') {
        env[e.name] = expandKubernetes(e.value, env);
      } else if (e.valueFrom?.fileKeyRef) {
        const ref = e.valueFrom.fileKeyRef;
        const dir = emptyDirs.get(ref.volumeName);
        if (!dir) throw new Error(`fileKeyRef: ${ref.volumeName} is not an emptyDir volume`);
        const file = dir.get(ref.path);
        const parsed = file === undefined ? undefined : parseEnvFile(file);
        if (parsed === undefined || !Object.hasOwn(parsed, ref.key)) {
          if (ref.optional) continue;
          throw new Error(`${container.name}: fileKeyRef ${ref.volumeName}/${ref.path} key ${ref.key} is missing; the container would not start`);
        }
        env[e.name] = parsed[ref.key];
      } else if (e.valueFrom?.configMapKeyRef) {
        const ref = e.valueFrom.configMapKeyRef;
        env[e.name] = configMaps.get(ref.name)?.[ref.key] ?? '';
      } else {
        throw new Error(`env ${e.name}: unsupported source ${JSON.stringify(e.valueFrom)}`);
      }
    }

    // Mounts: absolute path → where it lives (a file of a ConfigMap, or an emptyDir directory).
    const files: Record<string, string> = {};
    const emptyDirMounts: Array<{ mountPath: string; volume: string }> = [];
    for (const m of container.volumeMounts ?? []) {
      const volume = volumes.get(m.name);
      if (!volume) throw new Error(`${container.name}: mount of unknown volume ${m.name}`);
      const subPath: string | undefined = m.subPathExpr !== undefined ? expandKubernetes(m.subPathExpr, env) : m.subPath;
      if (volume.configMap) {
        const data = configMaps.get(volume.configMap.name);
        if (!data) throw new Error(`no ConfigMap ${volume.configMap.name}`);
        if (volume.configMap.items) throw new Error('items are not modelled');
        if (subPath !== undefined) {
          if (!Object.hasOwn(data, subPath)) {
            throw new Error(`${container.name}: subPath ${subPath} does not exist in ConfigMap ${volume.configMap.name}`);
          }
          files[m.mountPath] = data[subPath];
        } else {
          for (const [key, value] of Object.entries(data)) files[`${m.mountPath}/${key}`] = value;
        }
      } else if (volume.downwardAPI) {
        if (subPath !== undefined) throw new Error('subPath into a downward API volume is not modelled');
        for (const item of volume.downwardAPI.items) {
          const m2 = /^metadata\.annotations\['([^']+)'\]$/.exec(item.fieldRef?.fieldPath ?? '');
          if (!m2) throw new Error(`downward API item ${item.path}: only metadata.annotations['...'] is modelled`);
          files[`${m.mountPath}/${item.path}`] = podAnnotations[m2[1]] ?? '';
        }
      } else if (volume.emptyDir) {
        if (subPath !== undefined) throw new Error('subPath into an emptyDir is not modelled');
        emptyDirMounts.push({ mountPath: m.mountPath, volume: m.name });
        for (const [rel, content] of emptyDirs.get(m.name)!) files[`${m.mountPath}/${rel}`] = content;
      } else {
        throw new Error(`volume ${m.name}: only configMap, downwardAPI and emptyDir are modelled`);
      }
    }

    const command = container.command?.map((c: string) => expandKubernetes(c, env));
    const args = container.args?.map((a: string) => expandKubernetes(a, env));
    if (init && command?.[0] === 'cp' && command.length === 3 && args === undefined) {
      const [, src, dst] = command;
      if (!Object.hasOwn(files, src)) throw new Error(`${container.name}: cp: ${src} does not exist`);
      const target = emptyDirMounts.find((d) => dst.startsWith(`${d.mountPath}/`));
      if (!target) throw new Error(`${container.name}: cp: ${dst} is not in a writable emptyDir`);
      const rel = dst.slice(target.mountPath.length + 1);
      emptyDirs.get(target.volume)!.set(rel, files[src]);
      files[dst] = files[src];
    }
    return { name: container.name, files, env, command, args };
  };

  const initContainers = (pod.initContainers ?? []).map((c: any) => view(c, true));
  const containers = pod.containers.map((c: any) => view(c, false));
  return { initContainers, containers };
}

/** Only the files under `root`, by path relative to it. */
export function filesUnder(files: Record<string, string>, root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of Object.keys(files).sort()) {
    if (path.startsWith(`${root}/`)) out[path.slice(root.length + 1)] = files[path];
  }
  return out;
}

/** Only the `MATRIX_*` variables. */
export function matrixEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    if (name.startsWith('MATRIX_')) out[name] = env[name];
  }
  return out;
}
