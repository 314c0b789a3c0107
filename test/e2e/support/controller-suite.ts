/**
 * The setup the controller e2e files share: a fresh namespace, one controller in it (leader
 * election on, under the least-privilege RBAC of `ControllerProcess.start`) that leads, and the
 * teardown that stops it and removes what the test made.
 */
import { JobWatch } from './job-watch';
import { createNamespace, deleteNamespace, waitFor } from './rig';
import { ControllerProcess, deleteControllerRbac } from '../controller-process';

/** Creates a namespace `<nsPrefix>-<random>` and starts a controller `identity` there; resolves once it leads. */
export async function startLeadingController(nsPrefix: string, identity: string): Promise<{ ns: string; controller: ControllerProcess }> {
  const ns = await createNamespace(nsPrefix);
  const controller = await ControllerProcess.start({ namespace: ns, identity });
  await waitFor(() => controller.isLeader(), 30_000, { description: `controller ${identity} leads` });
  return { ns, controller };
}

/** Stops the watches and the controller, then deletes its RBAC and the namespace (for afterAll; tolerates a failed start). */
export async function stopLeadingController(
  ns: string | undefined, controller: ControllerProcess | undefined, watches: readonly JobWatch[] = [],
): Promise<void> {
  watches.forEach((w) => w.stop());
  await controller?.stop();
  if (ns) {
    deleteControllerRbac(ns);
    deleteNamespace(ns);
  }
}
