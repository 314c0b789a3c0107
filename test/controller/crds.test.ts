import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { BatchCustomResourceDefinitions, BoolFormat, JobOption } from '../../src';
import { crdValidator } from '../support/crd-schema';
import { validateManifest } from '../support/kube-schema';

const validateTemplate = crdValidator('JobTemplate');
const validateRun = crdValidator('JobRun');

function templateWith(options: any[]): any {
  return {
    apiVersion: 'cdk8s-batch.dev/v1alpha1',
    kind: 'JobTemplate',
    metadata: { name: 't' },
    spec: { options, concurrency: { policy: 'Allow' }, template: { spec: { template: { spec: {} } } } },
  };
}

describe('CRDs', () => {
  test('BatchCustomResourceDefinitions emits valid JobTemplate and JobRun CRDs', () => {
    const chart = Testing.chart();
    new BatchCustomResourceDefinitions(chart, 'crds');
    const crds = validateManifest(Testing.synth(chart));
    expect(crds.map((c) => c.metadata.name)).toEqual(['jobtemplates.cdk8s-batch.dev', 'jobruns.cdk8s-batch.dev']);
    const [template, run] = crds;
    expect(template.spec.names).toEqual({
      kind: 'JobTemplate', listKind: 'JobTemplateList', plural: 'jobtemplates', singular: 'jobtemplate', shortNames: ['jt'], categories: ['cdk8s-batch'],
    });
    expect(run.spec.names.shortNames).toEqual(['jr']);
    expect(template.spec.scope).toBe('Namespaced');
    const [runVersion] = run.spec.versions;
    expect(runVersion).toMatchObject({ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } });
    expect(runVersion.additionalPrinterColumns.map((c: any) => c.name)).toEqual(['Template', 'Phase', 'Job', 'Start-After', 'Age']);
    // A run held until a time: the field, RFC 3339 checked by the API server (format date-time).
    expect(runVersion.schema.openAPIV3Schema.properties.spec.properties.startAfter).toMatchObject({ type: 'string', format: 'date-time' });
    expect(template.spec.versions[0].subresources).toBeUndefined();
    expect(runVersion.schema.openAPIV3Schema.properties.status.properties.conditions['x-kubernetes-list-map-keys']).toEqual(['type']);
  });

  test('every option schema the options core writes is valid under the CRD', () => {
    const options = [
      JobOption.string({ name: 'username', default: 'x', trimSpaces: true, pattern: '^[a-z ]+$' }),
      JobOption.bool({ name: 'dry-run', default: true, format: BoolFormat.CUSTOM, trueValue: 'on', falseValue: 'off' }),
      JobOption.select({ name: 'region', values: ['eu', 'us'], default: 'eu', allowCustom: true }),
      JobOption.multi({ name: 'tables', values: ['a', 'b'], defaults: ['a'], delimiter: ';' }),
      JobOption.date({ name: 'since', format: 'YYYY-MM-DD' }),
      JobOption.int({ name: 'limit', default: 10, min: 1, max: 100 }),
    ];
    expect(validateTemplate(templateWith(options.map((o) => o.toSchema())))).toEqual([]);
  });

  test('property: random string and int options validate under the CRD', () => {
    fc.assert(fc.property(
      fc.stringMatching(/^[a-zA-Z_0-9.-]{1,20}$/), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }),
      (name, min, span) => {
        const schemas = [
          JobOption.string({ name: `s${name}`, default: name }).toSchema(),
          JobOption.int({ name: `i${name}`, min, max: min + span, default: min }).toSchema(),
        ];
        expect(validateTemplate(templateWith(schemas))).toEqual([]);
      }));
  });

  test.each([
    ['an unknown option type', [{ type: 'Float', name: 'x' }], '/spec/options/0/type must be equal to one of the allowed values'],
    ['a bad option name', [{ type: 'String', name: 'a b' }], '/spec/options/0/name must match pattern "^[a-zA-Z_0-9.-]+$"'],
    ['a Select without values', [{ type: 'Select', name: 'x', select: {} }], "/spec/options/0/select must have required property 'values'"],
    ['an unknown setting', [{ type: 'String', name: 'x', string: { trim: true } }], '/spec/options/0/string must NOT have additional properties'],
  ])('a JobTemplate with %s is rejected', (_name, options, error) => {
    expect(validateTemplate(templateWith(options))).toContain(error);
  });

  test('JobRun instances', () => {
    const run = (spec: any) => ({ apiVersion: 'cdk8s-batch.dev/v1alpha1', kind: 'JobRun', metadata: { name: 'r' }, spec });
    expect(validateRun(run({ templateRef: { name: 'greet' }, values: { username: 'Alice' } }))).toEqual([]);
    expect(validateRun(run({ values: {} }))).toEqual([" must have required property 'templateRef'"].map((m) => `/spec${m}`));
    expect(validateRun(run({ templateRef: { name: 'g' }, values: { n: 3 } }))).toEqual(['/spec/values/n must be string']);
  });
});
