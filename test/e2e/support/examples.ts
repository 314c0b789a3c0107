/** The example apps (examples/) as the e2e tier sends them. */
import { Testing } from 'cdk8s';
import { EXAMPLES } from '../../../examples/main';

/** Every object one example app synthesizes, in chart order. */
export function synthExample(name: string): any[] {
  const app = Testing.app();
  EXAMPLES[name](app);
  return app.charts.flatMap((c) => c.toJson());
}

/** The objects with their namespace set to `ns` (each test file has a namespace of its own). */
export function intoNamespace(objects: any[], ns: string): any[] {
  return objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: ns } }));
}
