import { IConstruct } from 'constructs';
import { API_GROUP, CONTROLLER_CONTEXT_KEY, CONTROLLER_EXTERNAL } from '../contract/keys';
import { warnAtSynth } from '../warnings';

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

/**
 * Adds a synth warning when `feature` is used and the app has no BatchController: the one
 * warning every controller-backed feature gives (docs/contributing.md, "Adding a
 * controller-backed feature").
 */
export function warnWithoutController(scope: IConstruct, feature: string): void {
  warnAtSynth(scope, () => !appHasBatchController(scope),
    `${feature} is carried out by the cdk8s-batch companion controller, and this app has no BatchController. ` +
    `Add a BatchController to the app, or set the context "${CONTROLLER_CONTEXT_KEY}": "${CONTROLLER_EXTERNAL}" if it is installed elsewhere.`);
}
