/**
 * Validates instances of our own kinds against the openAPIV3Schema of our CRDs (the same
 * data the BatchController installs). CEL rules are checked by the real API server in
 * test/e2e; here we check structure and types.
 */
import Ajv from 'ajv';
import { customResourceDefinitions } from '../../src/controller/crds';

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

/** Structural schemas prune unknown fields instead of rejecting them; in tests we reject them. */
function closed(schema: any): any {
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = Array.isArray(schema) ? schema.map(closed) : {};
  if (Array.isArray(schema)) return out;
  for (const [key, value] of Object.entries(schema)) {
    out[key] = key === 'properties'
      ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, closed(v)]))
      : (key === 'items' || key === 'additionalProperties') ? closed(value) : value;
  }
  if (schema.type === 'object' && schema.properties && !schema['x-kubernetes-preserve-unknown-fields'] && schema.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

export function crdValidator(kind: string): (obj: any) => string[] {
  const crd = customResourceDefinitions().find((c) => c.spec.names.kind === kind);
  if (!crd) throw new Error(`no CRD for ${kind}`);
  const schema = closed(crd.spec.versions[0].schema.openAPIV3Schema);
  // metadata is validated by the API server's ObjectMeta rules, not the CRD schema.
  schema.properties.metadata = { type: 'object' };
  const validate = ajv.compile(schema);
  return (obj: any) => (validate(obj) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}
