import { ConcurrencyPolicy } from '../contract/concurrency-policy';
import { RunPhase, RunSourceKind } from '../contract/job-run';
import { API_GROUP, API_VERSION, JOB_RUN_KIND, JOB_TEMPLATE_KIND } from '../contract/keys';
import { BoolFormat, OptionType } from '../options/types';

/**
 * The CustomResourceDefinitions of cdk8s-batch, as data: one source of truth for the
 * BatchController construct (which emits them), the controller and the tests.
 *
 * The option schema below describes the JSON that `JobOption.toSchema()` writes; a test
 * checks that every schema the options core produces is valid here, and the CEL rules repeat
 * the definition checks that are cheap to catch at admission (the controller re-validates
 * with the options core itself).
 */

type Schema = Record<string, any>;

const str: Schema = { type: 'string' };
const bool: Schema = { type: 'boolean' };
// Bounds keep the CEL rules' estimated cost within the API server's budget.
const value: Schema = { type: 'string', maxLength: 1024 };
const values: Schema = { type: 'array', items: value, maxItems: 256 };
/** Bounds of a JobRun's `spec.values`: count (a template has at most 100 options) and length of each. */
export const MAX_RUN_VALUES = 100;
export const MAX_RUN_VALUE_LENGTH = 4096;
const OPTION_NAME_PATTERN = '^[a-zA-Z_0-9.-]+$';

/** One option of a JobTemplate, as written by `JobOption.toSchema()`. */
export const OPTION_SCHEMA: Schema = {
  'type': 'object',
  'required': ['type', 'name'],
  'properties': {
    type: { type: 'string', enum: Object.values(OptionType) },
    name: { type: 'string', pattern: OPTION_NAME_PATTERN, maxLength: 253 },
    label: str,
    required: bool,
    string: { type: 'object', properties: { default: str, trimSpaces: bool, pattern: str } },
    bool: {
      type: 'object',
      properties: { default: bool, format: { type: 'string', enum: Object.values(BoolFormat) }, trueValue: str, falseValue: str },
    },
    select: { type: 'object', required: ['values'], properties: { values: { ...values, minItems: 1 }, default: value, allowCustom: bool } },
    multi: { type: 'object', required: ['values'], properties: { values: { ...values, minItems: 1 }, defaults: values, delimiter: str, allowCustom: bool } },
    date: { type: 'object', properties: { format: str } },
    int: { type: 'object', properties: { default: { type: 'integer' }, min: { type: 'integer' }, max: { type: 'integer' } } },
  },
  'x-kubernetes-validations': [
    ...Object.values(OptionType).map((type) => {
      const block = blockOf(type);
      return {
        rule: `!has(self.${block}) || self.type == '${type}'`,
        message: `the "${block}" settings belong to options of type ${type}`,
      };
    }),
    { rule: "self.type != 'Bool' || !has(self.required) || !self.required", message: 'a Bool option cannot be required (it always has a value)' },
    {
      rule: "self.type != 'Select' || !has(self.select) || !has(self.select.default) || self.select.default in self.select.values",
      message: 'select.default must be one of select.values',
    },
    {
      rule: "self.type != 'Multi' || !has(self.multi) || !has(self.multi.defaults) || self.multi.defaults.all(d, d in self.multi.values)",
      message: 'every multi.defaults entry must be one of multi.values',
    },
    {
      rule: "self.type != 'Int' || !has(self.int) || !has(self.int.min) || !has(self.int.max) || self.int.min <= self.int.max",
      message: 'int.min must not be greater than int.max',
    },
    {
      rule: "self.type != 'Bool' || !has(self.bool) || !has(self.bool.format) || self.bool.format != 'Custom' || (has(self.bool.trueValue) && has(self.bool.falseValue))",
      message: 'a Bool option with the Custom format needs trueValue and falseValue',
    },
    { rule: "self.type != 'Select' || has(self.select)", message: 'a Select option needs select.values' },
    { rule: "self.type != 'Multi' || has(self.multi)", message: 'a Multi option needs multi.values' },
  ],
};

const CONCURRENCY_SCHEMA: Schema = {
  'type': 'object',
  'required': ['policy'],
  'properties': {
    policy: { type: 'string', enum: Object.values(ConcurrencyPolicy) },
    maxConcurrency: { type: 'integer', minimum: 1 },
    maxQueued: { type: 'integer', minimum: 0 },
  },
  'x-kubernetes-validations': [
    { rule: "self.policy == 'Enqueue' || (!has(self.maxConcurrency) && !has(self.maxQueued))", message: 'maxConcurrency and maxQueued apply only to the Enqueue policy' },
  ],
};

const CONDITIONS_SCHEMA: Schema = {
  'type': 'array',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
  'items': {
    type: 'object',
    required: ['type', 'status'],
    properties: {
      type: str,
      status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
      reason: str,
      message: str,
      lastTransitionTime: { type: 'string', format: 'date-time' },
      observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
    },
  },
};

/** The `spec` of a JobTemplate: an option schema and a Job template with `${...}` references left in. */
export const JOB_TEMPLATE_SPEC_SCHEMA: Schema = {
  type: 'object',
  required: ['template'],
  properties: {
    options: {
      'type': 'array',
      'maxItems': 100,
      'items': OPTION_SCHEMA,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    },
    concurrency: CONCURRENCY_SCHEMA,
    workload: {
      type: 'object',
      description: 'The workload the template belongs to: a ParameterizedJob, or a ScheduledBatch for ad-hoc runs.',
      properties: { kind: { type: 'string', enum: ['ParameterizedJob', 'ScheduledBatch'] }, name: str },
    },
    template: {
      type: 'object',
      required: ['spec'],
      description: 'A batch/v1 JobTemplateSpec; the API server validates it when the controller creates the Job.',
      properties: {
        metadata: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true },
        spec: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  },
};

/** The `spec` of a JobRun: which template, and the option values (as strings, like `--set`). */
export const JOB_RUN_SPEC_SCHEMA: Schema = {
  'type': 'object',
  'required': ['templateRef'],
  'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'a JobRun is a request for one run; its spec cannot change. Create a new JobRun.' }],
  'properties': {
    templateRef: {
      type: 'object',
      required: ['name'],
      properties: {
        kind: {
          type: 'string',
          enum: Object.values(RunSourceKind),
          default: RunSourceKind.JOB_TEMPLATE,
          description: 'JobTemplate (a ParameterizedJob, or a ScheduledBatch with options) or CronJob (a ScheduledBatch without options).',
        },
        name: { type: 'string', minLength: 1, maxLength: 253 },
      },
    },
    values: {
      type: 'object',
      // As many values as a template has options at most, each as long as a select value may be.
      maxProperties: MAX_RUN_VALUES,
      additionalProperties: { type: 'string', maxLength: MAX_RUN_VALUE_LENGTH },
      description: `Option values by option name (at most ${MAX_RUN_VALUES}, each at most ${MAX_RUN_VALUE_LENGTH} characters).`,
    },
    force: { type: 'boolean', description: 'Start even if the concurrency policy would refuse or queue the run.' },
    startAfter: {
      type: 'string',
      format: 'date-time',
      description: 'Hold the run until this time (RFC 3339): it stays Queued (NotYetDue) until then; a time in the past starts it at once.',
    },
  },
};

export const JOB_RUN_STATUS_SCHEMA: Schema = {
  type: 'object',
  properties: {
    phase: { type: 'string', enum: Object.values(RunPhase) },
    jobName: str,
    values: { type: 'object', additionalProperties: str, description: 'The rendered option values the Job was created with.' },
    startTime: { type: 'string', format: 'date-time' },
    completionTime: { type: 'string', format: 'date-time' },
    observedGeneration: { type: 'integer', format: 'int64' },
    conditions: CONDITIONS_SCHEMA,
  },
};

/**
 * The Job of a run takes the JobRun's name, and Kubernetes puts Job names in pod labels: a
 * JobRun name must be a DNS label of at most 63 characters (checked again by the run core).
 */
const JOB_RUN_NAME_RULE: Schema = {
  rule: "self.metadata.name.size() <= 63 && self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",
  message: 'a JobRun name must be a DNS label of at most 63 characters (lower case letters, digits and "-"), because its Job takes the name',
};

/**
 * A template belongs to the workload of its own name (ParameterizedJob and ScheduledBatch emit
 * it so): it cannot join another workload's queue or, with Replace, delete its Jobs. The
 * workload label is checked by the admission policy (CRD rules cannot read labels).
 */
const JOB_TEMPLATE_WORKLOAD_RULE: Schema = {
  rule: '!has(self.spec.workload) || !has(self.spec.workload.name) || self.spec.workload.name == self.metadata.name',
  message: 'must be the JobTemplate\'s own name: a template belongs to the workload of its name',
  fieldPath: '.spec.workload.name',
};

/** A CustomResourceDefinition manifest for one of our kinds. */
function crd(kind: string, plural: string, shortName: string, spec: Schema, status: Schema | undefined, columns: Schema[],
  rules: Schema[] = []): Schema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${API_GROUP}` },
    spec: {
      group: API_GROUP,
      scope: 'Namespaced',
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), shortNames: [shortName], categories: ['cdk8s-batch'] },
      versions: [{
        name: API_VERSION,
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            required: ['spec'],
            ...(rules.length > 0 ? { 'x-kubernetes-validations': rules } : {}),
            properties: {
              apiVersion: str,
              kind: str,
              metadata: { type: 'object' },
              spec,
              ...(status ? { status } : {}),
            },
          },
        },
        ...(status ? { subresources: { status: {} } } : {}),
        additionalPrinterColumns: [...columns, { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
      }],
    },
  };
}

/** The CRD manifests, in install order. */
export function customResourceDefinitions(): Schema[] {
  return [
    crd(JOB_TEMPLATE_KIND, 'jobtemplates', 'jt', JOB_TEMPLATE_SPEC_SCHEMA, undefined, [
      { name: 'Workload', type: 'string', jsonPath: '.spec.workload.name' },
      { name: 'Concurrency', type: 'string', jsonPath: '.spec.concurrency.policy' },
    ], [JOB_TEMPLATE_WORKLOAD_RULE]),
    crd(JOB_RUN_KIND, 'jobruns', 'jr', JOB_RUN_SPEC_SCHEMA, JOB_RUN_STATUS_SCHEMA, [
      { name: 'Template', type: 'string', jsonPath: '.spec.templateRef.name' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Job', type: 'string', jsonPath: '.status.jobName' },
      { name: 'Start-After', type: 'date', jsonPath: '.spec.startAfter', priority: 1 },
    ], [JOB_RUN_NAME_RULE]),
  ];
}

function blockOf(type: OptionType): string {
  return type.toLowerCase();
}
