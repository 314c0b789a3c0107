import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { customResourceDefinitions } from './crds';

/**
 * The CustomResourceDefinitions of cdk8s-batch (`JobTemplate` and `JobRun`, group
 * `cdk8s-batch.dev`). The `BatchController` includes them; use this construct alone to
 * install the CRDs from another app than the controller's.
 */
export class BatchCustomResourceDefinitions extends Construct {
  /** The CRD objects, JobTemplate first. */
  public readonly apiObjects: ApiObject[];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.apiObjects = customResourceDefinitions().map((crd) => {
      const { apiVersion, kind, metadata, spec } = crd;
      return new ApiObject(this, crd.spec.names.kind, { apiVersion, kind, metadata, spec });
    });
  }
}
