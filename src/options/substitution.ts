import { substituteContainer, substitutePodSpec, substituteText } from './substitute';
import { SubstitutionScopes } from './types';

/**
 * `${...}` substitution of option values, matrix values and workload facts
 * into container fields, shared by the constructs (synth time), the
 * controller and the CLI (run time).
 *
 * Rules: `${option.NAME}`, `${matrix.KEY}`, `${workload.name}` and
 * `${workload.namespace}` are replaced in one pass (values are never
 * re-scanned). An undefined key or an unknown scope such as `${foo.bar}` is an
 * error, never an empty string. `$${` writes a literal `${`. Kubernetes'
 * `$(VAR)` and shell syntax without a dot such as `${HOME}` or `${VAR:-x}` are
 * left as written.
 */
export class Substitution {
  /**
   * Substitutes references in one string.
   *
   * @param text the text, e.g. an argument
   * @param scopes the values references resolve to
   * @param field where the text lives, for error messages; defaults to `text`
   */
  public static inText(text: string, scopes: SubstitutionScopes, field?: string): string {
    return substituteText(text, scopes, field ?? 'text');
  }

  /**
   * A copy of a container (Kubernetes JSON) with references substituted in
   * `image`, `command`, `args` and env `value`s.
   *
   * @param container the container as Kubernetes JSON
   * @param scopes the values references resolve to
   * @param path where the container lives, for error messages, e.g. `spec.containers[0]`; defaults to `container`
   */
  public static inContainer(container: { [key: string]: any }, scopes: SubstitutionScopes, path?: string): { [key: string]: any } {
    return substituteContainer(container, scopes, path ?? 'container');
  }

  /**
   * A copy of a pod spec (Kubernetes JSON) with references substituted in its
   * containers and init containers.
   *
   * @param podSpec the pod spec as Kubernetes JSON
   * @param scopes the values references resolve to
   * @param path where the pod spec lives, for error messages, e.g. `spec.template.spec`; defaults to none
   */
  public static inPodSpec(podSpec: { [key: string]: any }, scopes: SubstitutionScopes, path?: string): { [key: string]: any } {
    return substitutePodSpec(podSpec, scopes, path ?? '');
  }

  private constructor() {}
}
