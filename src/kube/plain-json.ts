import { Lazy } from 'cdk8s';

/**
 * The JSON a cdk8s `ApiObject` would write for `value` in an app with cdk8s's default
 * resolvers, without an `ApiObject`, a construct tree or a scratch app: `Lazy` values are
 * produced, implicit tokens (`resolve()`) resolved, number-or-string unions (`Quantity`,
 * `IntOrString`) replaced by `{ value }`, then null and undefined members dropped and object
 * keys sorted (cdk8s's `resolve` followed by its `sanitizeValue`, in one pass).
 *
 * For turning cdk8s-plus-27's `_toKube()` output (the pod vocabulary) into plain data that
 * cdk8s-plus-27's generated `toJson_*` mappers take.
 *
 * @param filterEmpty also drop empty arrays and objects, at any depth (as cdk8s's
 * `ApiObjectMetadataDefinition.toJson()` does)
 * @param sortKeys sort object keys (cdk8s does unless `CDK8S_DISABLE_SORT` is set)
 */
export function plainJson(value: unknown, filterEmpty = false, sortKeys = true): any {
  // Strings, numbers and booleans: no resolver applies to them (most of a spec's values).
  if (value === null || value === undefined) {
    return undefined;
  }
  if (typeof value !== 'object' && typeof value !== 'function') {
    return value;
  }
  const resolved = resolveDefault(value);
  if (resolved == null) {
    return undefined;
  }
  if (typeof resolved !== 'object') {
    return resolved;
  }
  if (Array.isArray(resolved)) {
    if (filterEmpty && resolved.length === 0) {
      return undefined;
    }
    const items = new Array(resolved.length);
    for (let i = 0; i < resolved.length; i++) {
      items[i] = plainJson(resolved[i], filterEmpty, sortKeys);
    }
    return items;
  }
  // Every resolved object is a plain one or an array; anything else cdk8s refuses to render.
  if (resolved.constructor.name !== 'Object') {
    throw new Error(`can't render non-simple object of type '${resolved.constructor.name}'`);
  }
  const out: Record<string, unknown> = {};
  const keys = Object.keys(resolved);
  if (sortKeys) {
    keys.sort();
  }
  let empty = true;
  for (const key of keys) {
    const member = plainJson(resolved[key], filterEmpty, sortKeys);
    if (member != null) {
      out[key] = member;
      empty = false;
    }
  }
  return filterEmpty && empty ? undefined : out;
}

/**
 * cdk8s's default resolvers (`LazyResolver`, `ImplicitTokenResolver`,
 * `NumberStringUnionResolver`, in that order) applied to `value` until none replaces it; the
 * members of arrays and plain objects are resolved by `plainJson` as it descends.
 */
function resolveDefault(value: any): any {
  for (;;) {
    if (value == null) {
      return value;
    }
    if (value instanceof Lazy) {
      value = value.produce();
    } else if (typeof value.resolve === 'function') {
      value = value.resolve();
    } else if (value.constructor !== Object && (typeof value.value === 'number' || typeof value.value === 'string')) {
      value = { value: value.value };
    } else {
      return value;
    }
  }
}
