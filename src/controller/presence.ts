import { IConstruct } from 'constructs';

/**
 * How workload constructs find the companion controller in their app.
 *
 * A symbol mark (rather than `instanceof`) also works when two copies of the library end
 * up in one app's node_modules.
 */
const CONTROLLER_MARK = Symbol.for('cdk8s-batch.dev/BatchController');

/**
 * Context key that says the controller is installed by another app (e.g. the platform
 * team's), so workloads in this app should not warn about its absence.
 */
export const CONTROLLER_CONTEXT_KEY = 'cdk8s-batch.dev/controller';

/** Marks a construct as the app's companion controller. */
export function markAsBatchController(controller: IConstruct): void {
  Object.defineProperty(controller, CONTROLLER_MARK, { value: true });
}

/** Whether the app of `scope` holds a BatchController, or says the controller is external. */
export function appHasBatchController(scope: IConstruct): boolean {
  if (scope.node.tryGetContext(CONTROLLER_CONTEXT_KEY) === 'external') {
    return true;
  }
  return scope.node.root.node.findAll().some((c) => (c as any)[CONTROLLER_MARK] === true);
}
