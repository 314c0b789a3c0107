import { IConstruct } from 'constructs';

/** Metadata type under which cdk8s-batch records its synth warnings (tests and tools read it). */
export const WARNING_METADATA = 'cdk8s-batch:warning';

/**
 * Adds a warning that is printed when the app synthesizes (cdk8s has no warning channel of
 * its own) and recorded as construct metadata. `condition` is checked at synth, when the
 * whole app exists.
 */
export function warnAtSynth(scope: IConstruct, condition: () => boolean, message: string): void {
  let recorded = false;
  scope.node.addValidation({
    validate: () => {
      if (condition()) {
        if (!recorded) {
          scope.node.addMetadata(WARNING_METADATA, message);
          recorded = true;
        }
        process.emitWarning(`${scope.node.path}: ${message}`, { code: 'CDK8S_BATCH' });
      }
      return [];
    },
  });
}

/** The cdk8s-batch warnings recorded on a construct. */
export function warningsOf(scope: IConstruct): string[] {
  return scope.node.metadata.filter((m) => m.type === WARNING_METADATA).map((m) => String(m.data));
}
