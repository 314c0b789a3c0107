import { ApiObject, ApiObjectProps, App, JsonPatch } from 'cdk8s';
import { ImplicitTokenResolver, LazyResolver, NumberStringUnionResolver } from 'cdk8s/lib/resolve';
import { Construct } from 'constructs';
import { plainJson } from './plain-json';

/**
 * An `ApiObject` for a spec rendered as plain JSON from a validated model (a workload's
 * CronJob, Job or JobTemplate): its `toJson()` writes exactly what `ApiObject.toJson()` writes,
 * in one pass over the object instead of cdk8s's token resolution, which looks the app's
 * resolvers up again for every value of the tree (most of the cost of serialising a big spec
 * besides the YAML). In an app with resolvers of its own, `ApiObject.toJson()` itself runs,
 * so they see every value as before.
 */
export class PlainApiObject extends ApiObject {
  private readonly plainProps: ApiObjectProps;
  private readonly plainPatches: JsonPatch[] = [];

  constructor(scope: Construct, id: string, props: ApiObjectProps) {
    super(scope, id, props);
    this.plainProps = props;
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    super.addJsonPatch(...ops);
    this.plainPatches.push(...ops);
  }

  public toJson(): any {
    if (!hasDefaultResolvers(this)) {
      return super.toJson();
    }
    try {
      const data = { ...this.plainProps, metadata: this.metadata.toJson() };
      const json = plainJson(data, false, !process.env.CDK8S_DISABLE_SORT);
      const patched = JsonPatch.apply(json, ...this.plainPatches);
      // apiVersion, kind and metadata first, as ApiObject.toJson() orders them.
      const result: Record<string, unknown> = {};
      for (const key of ['apiVersion', 'kind', 'metadata', ...Object.keys(patched)]) {
        if (key in patched) {
          result[key] = patched[key];
        }
      }
      return result;
    } catch (e) {
      throw new Error(`Failed serializing construct at path '${this.node.path}' with name '${this.name}': ${e}`);
    }
  }
}

/** Whether the object's app resolves with cdk8s's three default resolvers only (no `resolvers` of its own). */
function hasDefaultResolvers(obj: ApiObject): boolean {
  let resolvers: readonly unknown[];
  try {
    resolvers = App.of(obj).resolvers;
  } catch {
    return false; // ApiObject.toJson() reports it
  }
  return resolvers.length === 3 && resolvers[0] instanceof LazyResolver
    && resolvers[1] instanceof ImplicitTokenResolver && resolvers[2] instanceof NumberStringUnionResolver;
}
