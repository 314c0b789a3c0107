import { IConstruct } from 'constructs';
import { API_GROUP, CONTROLLER_CONTEXT_KEY, CONTROLLER_EXTERNAL } from '../contract/keys';

/**
 * How workload constructs find the companion controller in their app.
 *
 * A symbol mark (rather than `instanceof`) also works when two copies of the library end
 * up in one app's node_modules.
 */
const CONTROLLER_MARK = Symbol.for(`${API_GROUP}/BatchController`);

/** Marks a construct as the app's companion controller. */
export function markAsBatchController(controller: IConstruct): void {
  Object.defineProperty(controller, CONTROLLER_MARK, { value: true });
}

/** Whether the app of `scope` holds a BatchController, or says the controller is external. */
export function appHasBatchController(scope: IConstruct): boolean {
  if (scope.node.tryGetContext(CONTROLLER_CONTEXT_KEY) === CONTROLLER_EXTERNAL) {
    return true;
  }
  return scope.node.root.node.findAll().some((c) => (c as any)[CONTROLLER_MARK] === true);
}
