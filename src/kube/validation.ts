import { BatchValidationError } from '../errors';

/**
 * Kubernetes' own name, label and ConfigMap rules (apimachinery validation), checked at synth
 * so that a mistake fails in CI with our message instead of in the cluster.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

/** CronJob names leave 11 characters for the `-<unix minutes>` suffix of their Jobs. */
export const MAX_CRONJOB_NAME_LENGTH = 52;
/** The sum of a ConfigMap's values may not exceed 1 MiB. */
export const MAX_CONFIG_MAP_BYTES = 1_048_576;

export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

/**
 * Checks a name that Kubernetes also uses in pod names and host names: a DNS label of at
 * most `maxLength` characters.
 */
export function checkObjectName(field: string, name: string, maxLength: number, why: string): void {
  if (!DNS_LABEL.test(name)) {
    throw new BatchValidationError(field, name,
      'is not a lowercase RFC 1123 label (lower case letters, digits and "-", starting and ending with a letter or digit)',
      'Use a name such as "nightly-report".');
  }
  if (name.length > maxLength) {
    throw new BatchValidationError(field, name,
      `is ${name.length} characters long, more than the ${maxLength} allowed (${why})`,
      `Shorten the name to at most ${maxLength} characters.`);
  }
}

/** Checks label keys and values; `field` is e.g. `metadata.labels`. */
export function checkLabels(field: string, labels: Record<string, string> | undefined): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    checkQualifiedKey(field, key);
    if (value !== '' && (value.length > 63 || !QUALIFIED_NAME.test(value))) {
      throw new BatchValidationError(`${field}["${key}"]`, value,
        'is not a valid label value (at most 63 characters: letters, digits, "-", "_" or ".", starting and ending with a letter or digit)',
        'Use a short value such as "nightly", or move free text to an annotation.');
    }
  }
}

/** Checks annotation keys; values are free text. */
export function checkAnnotations(field: string, annotations: Record<string, string> | undefined): void {
  for (const key of Object.keys(annotations ?? {})) {
    checkQualifiedKey(field, key);
  }
}

function checkQualifiedKey(field: string, key: string): void {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const nameOk = name.length <= 63 && QUALIFIED_NAME.test(name);
  const prefixOk = prefix === undefined || isDnsSubdomain(prefix);
  if (!nameOk || !prefixOk) {
    throw new BatchValidationError(field, key,
      'is not a valid key (an optional DNS subdomain prefix and "/", then at most 63 characters: letters, digits, "-", "_" or ".")',
      'Use a key such as "example.com/team" or "team".');
  }
}

/** Checks the keys and total size of ConfigMap data. */
export function checkConfigMapData(field: string, data: Record<string, string>): void {
  let bytes = 0;
  for (const [key, value] of Object.entries(data)) {
    if (key.length > 253 || !CONFIG_MAP_KEY.test(key) || key === '.' || key === '..' || key.startsWith('..')) {
      throw new BatchValidationError(field, key,
        'is not a valid ConfigMap key (letters, digits, "-", "_" or ".", at most 253 characters)',
        'Use a key such as "REPORT_BUCKET" or "report.bucket".');
    }
    bytes += Buffer.byteLength(value, 'utf8');
  }
  if (bytes > MAX_CONFIG_MAP_BYTES) {
    throw new BatchValidationError(field, `${bytes} bytes`,
      `exceeds the ${MAX_CONFIG_MAP_BYTES}-byte ConfigMap limit`,
      'Move large data to a volume or an object store and pass its location instead.');
  }
}
