import { BatchValidationError } from '../errors';
import { quotedList } from './messages';
import { SubstitutionScopes } from './types';

/** The scopes, as written in references, and how a missing key is described. */
const SCOPES: Readonly<Record<string, { readonly prop: keyof SubstitutionScopes; readonly noun: string; readonly nouns: string }>> = {
  option: { prop: 'options', noun: 'option', nouns: 'options' },
  matrix: { prop: 'matrix', noun: 'matrix key', nouns: 'matrix keys' },
  workload: { prop: 'workload', noun: 'workload field', nouns: 'workload fields' },
};

/**
 * `${` followed by an identifier and a dot is a reference of ours. Anything
 * else after `${` (`${HOME}`, `${VAR:-x}`, `${FILE%.txt}`) is shell syntax
 * that scripts in `args` use and that can never be one of ours, so it is left
 * alone; an identifier cannot hold a dot in any shell, so `${foo.bar}` is
 * always a (mistyped) reference.
 */
const SCOPED_REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)\.([^]*)$/;

/**
 * Replaces `${option.NAME}`, `${matrix.KEY}` and `${workload.FIELD}` in text.
 *
 * - One pass: substituted values are never scanned again, so a value that
 *   holds `${...}` reaches the pod as written.
 * - `$${` writes a literal `${`; in a run of `$` before `{` each `$$` is one
 *   literal `$` (so `$$${option.x}` is `$` followed by the value).
 * - Kubernetes' `$(VAR)` and `$$(VAR)` are left for Kubernetes.
 * - Unknown keys, unknown scopes (`${foo.bar}`) and unclosed references are
 *   errors naming `field`, never empty strings.
 * - With `forKubelet` (command, args, env values: the fields the kubelet
 *   expands), every `$` of an option value is doubled, so `$(` becomes `$$(`
 *   and the kubelet, which reads `$$` as `$`, hands the value to the process
 *   exactly as given: a run-time value is data, never a `$(VAR)` expansion
 *   (DESIGN §9).
 */
export function substituteText(text: string, scopes: SubstitutionScopes, field: string, forKubelet = false): string {
  let result = '';
  let position = 0;
  while (position < text.length) {
    const dollar = text.indexOf('$', position);
    if (dollar < 0) {
      return result + text.slice(position);
    }
    result += text.slice(position, dollar);
    let brace = dollar;
    while (text[brace] === '$') {
      brace++;
    }
    if (text[brace] !== '{') {
      // `$(VAR)`, `$$`, a lone `$`: not ours.
      result += text.slice(dollar, brace);
      position = brace;
      continue;
    }
    const dollars = brace - dollar;
    result += '$'.repeat(Math.floor(dollars / 2));
    if (dollars % 2 === 0) {
      result += '{';
      position = brace + 1;
      continue;
    }
    const close = text.indexOf('}', brace);
    const body = text.slice(brace + 1, close < 0 ? undefined : close);
    const reference = SCOPED_REFERENCE.exec(body);
    if (!reference) {
      // Shell syntax: keep `${` and scan on inside it, so `${VAR:-${option.x}}` still substitutes the inner reference.
      result += '${';
      position = brace + 1;
      continue;
    }
    if (close < 0) {
      throw new BatchValidationError(field, text.slice(brace - 1), 'holds a reference that is never closed with "}"',
        'Close the reference, e.g. ${option.NAME}, or write $${ for a literal "${".');
    }
    const value = resolve(reference[1], reference[2], scopes, field, text.slice(brace - 1, close + 1));
    // Only option values come from whoever asks for a run; matrix values and workload facts are the author's.
    result += forKubelet && reference[1] === 'option' ? escapeForKubelet(value) : value;
    position = close + 1;
  }
  return result;
}

/** `$` as `$$`: the kubelet's expansion of `command`, `args` and env turns `$$` back into `$`. */
export function escapeForKubelet(value: string): string {
  return value.replace(/\$/g, '$$$$');
}

function resolve(scope: string, key: string, scopes: SubstitutionScopes, field: string, written: string): string {
  const known = Object.hasOwn(SCOPES, scope) ? SCOPES[scope] : undefined;
  if (!known) {
    throw new BatchValidationError(field, written, `refers to the unknown scope ${JSON.stringify(scope)}`,
      `Use \${option.NAME}, \${matrix.KEY}, \${workload.name} or \${workload.namespace}; write $${written} to keep the text literally.`);
  }
  const values = scopes[known.prop] ?? {};
  // Own keys only: `${option.constructor}` must not find Object.prototype.constructor.
  if (Object.hasOwn(values, key)) {
    return values[key];
  }
  const defined = Object.keys(values).sort();
  const fix = defined.length > 0
    ? `Use one of the defined ${known.nouns} ${quotedList(defined)}, or write $${written} to keep the text literally.`
    : `No ${known.nouns} are defined here; define ${known.noun} ${JSON.stringify(key)}, or write $${written} to keep the text literally.`;
  throw new BatchValidationError(field, written, `refers to ${known.noun} ${JSON.stringify(key)}, which is not defined`, fix);
}

/** Kubernetes container JSON: only the fields substitution touches are typed. */
type ContainerJson = { [key: string]: any };

/**
 * Substitutes in a container's `image`, `command`, `args` and env `value`s,
 * the fields Furiko substitutes; everything else (envFrom, valueFrom, volume
 * mounts) is copied unchanged. The input is not modified.
 */
export function substituteContainer(container: ContainerJson, scopes: SubstitutionScopes, path: string): ContainerJson {
  const result: ContainerJson = { ...container };
  if (typeof container.image === 'string') {
    result.image = substituteText(container.image, scopes, `${path}.image`);
  }
  for (const list of ['command', 'args'] as const) {
    if (Array.isArray(container[list])) {
      result[list] = container[list].map((item: unknown, index: number) =>
        typeof item === 'string' ? substituteText(item, scopes, `${path}.${list}[${index}]`, true) : item);
    }
  }
  if (Array.isArray(container.env)) {
    result.env = container.env.map((variable: any, index: number) =>
      typeof variable?.value === 'string'
        ? { ...variable, value: substituteText(variable.value, scopes, `${path}.env[${index}].value`, true) }
        : variable);
  }
  return result;
}

/**
 * Substitutes in every container and init container of a pod spec (see
 * `substituteContainer`); other fields, ephemeral containers included, are
 * copied unchanged. The input is not modified.
 */
export function substitutePodSpec(podSpec: ContainerJson, scopes: SubstitutionScopes, path: string): ContainerJson {
  const result: ContainerJson = { ...podSpec };
  const prefix = path === '' ? '' : `${path}.`;
  for (const list of ['initContainers', 'containers'] as const) {
    if (Array.isArray(podSpec[list])) {
      result[list] = podSpec[list].map((container: ContainerJson, index: number) =>
        substituteContainer(container, scopes, `${prefix}${list}[${index}]`));
    }
  }
  return result;
}
