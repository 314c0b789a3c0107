import { ConcurrencyPolicy } from '../contract/concurrency-policy';
import {
  ANNOTATION_CONCURRENCY, ANNOTATION_KILL_AT, ANNOTATION_KILL_REQUESTED_BY, API_GROUP, API_GROUP_VERSION, JOB_TEMPLATE_KIND, LABEL_WORKLOAD,
} from '../contract/keys';

/**
 * The admission policies that keep the controller from being a way around RBAC (DESIGN §9,
 * docs/controller.md "Security model"), as data: `ValidatingAdmissionPolicy` objects
 * (admissionregistration.k8s.io/v1, Kubernetes 1.30+) whose CEL `authorizer` checks ask the
 * API server's own authorizer whether the requester may do directly what the controller
 * would do for them. The `BatchController` emits them; the e2e tier applies them from its
 * output.
 */

type Obj = Record<string, any>;

/** The custom verb on `jobruns.cdk8s-batch.dev` that lets a JobRun set `spec.force`. */
export const FORCE_VERB = 'force';

/** Names of the policies (each binding takes its policy's name). */
export const POLICY_REQUESTER_RIGHTS = 'cdk8s-batch-requester-rights';
export const POLICY_REPLACE_TEMPLATE = 'cdk8s-batch-replace-jobtemplate';
export const POLICY_REPLACE_CRONJOB = 'cdk8s-batch-replace-cronjob';
export const POLICY_REPLACE_JOB = 'cdk8s-batch-replace-job';
export const POLICY_KILL_AT = 'cdk8s-batch-kill-at';

const isTemplate = "request.resource.resource == 'jobtemplates'";
const isRun = "request.resource.resource == 'jobruns'";

/** A CEL string expression: `text` with `{CEL}` parts evaluated (text without single quotes). */
function message(text: string): string {
  return text.split(/\{([^}]+)\}/).map((part, i) => (i % 2 === 1 ? part : `'${part}'`)).filter((p) => p !== "''").join(' + ');
}

/** `authorizer` may `verb` `resource` of `group` in the request's namespace. */
function may(group: string, resource: string, verb: string): string {
  return `authorizer.group('${group}').resource('${resource}').namespace(request.namespace).check('${verb}').allowed()`;
}

/** A JobRun's run deletes the workload's Jobs (Replace): the requester must be allowed to delete Jobs. */
const REPLACE_VALIDATION: Obj = {
  expression: `object.spec.templateRef.name != params.metadata.name || ${may('batch', 'jobs', 'delete')}`,
  messageExpression: message('{request.userInfo.username} may not delete jobs.batch in namespace {request.namespace}: a JobRun of ' +
    '{params.metadata.name} (concurrency policy Replace) deletes its running Jobs, so it needs that right'),
  reason: 'Forbidden',
};

/** CEL: the value of annotation `key` of `obj` (`object` or `oldObject`), '' when absent. */
function annotation(obj: string, key: string): string {
  return `(has(${obj}.metadata.annotations) && '${key}' in ${obj}.metadata.annotations ? ${obj}.metadata.annotations['${key}'] : '')`;
}

/** CEL: the request creates the Job, or changes annotation `key` of it. */
function setsAnnotation(key: string): string {
  return `(request.operation == 'CREATE' || ${annotation('object', key)} != ${annotation('oldObject', key)})`;
}

/** Jobs of a workload (the controller watches no others), created or changed. */
const WORKLOAD_JOBS: Obj = {
  resourceRules: [{ apiGroups: ['batch'], apiVersions: ['*'], resources: ['jobs'], operations: ['CREATE', 'UPDATE'] }],
  objectSelector: { matchExpressions: [{ key: LABEL_WORKLOAD, operator: 'Exists' }] },
};

function policy(name: string, spec: Obj): Obj {
  return { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name }, spec };
}

function binding(name: string, paramRef?: Obj): Obj {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name },
    spec: { policyName: name, validationActions: ['Deny'], ...(paramRef ? { paramRef } : {}) },
  };
}

const rule = (resources: string[], operations: string[]) => ({ apiGroups: [API_GROUP], apiVersions: ['*'], resources, operations });

/**
 * The policies and their bindings, policies first:
 *
 * 1. requester rights: creating or changing a JobTemplate (an opaque pod spec the controller
 *    will run) needs `create jobs` in its namespace; a JobRun with `force: true` needs the
 *    `force` verb on `jobruns`; a JobTemplate's workload label names itself.
 * 2. and 3. Replace: a JobRun of a workload whose policy is `Replace` deletes that workload's
 *    running Jobs, so it needs `delete jobs`. The policy lives on the template (or CronJob)
 *    the run names, not on the run, so each JobTemplate (CronJob) of the request's namespace
 *    is a param, and the run is checked against the one it names; none found: allowed.
 * 4. Replace across CronJobs: creating a workload Job stamped `concurrency-policy: Replace`
 *    (or stamping one) needs `delete jobs`: the controller deletes the workload's older Jobs
 *    for it. The CronJob controller, which makes them, has that right.
 * 5. Kill at a time: setting or changing `kill-at`/`kill-requested-by` on a workload Job needs
 *    `patch jobs` (what `cdk8s-batch kill` itself needs), and `kill-requested-by` must be the
 *    requester's own user name.
 */
export function admissionPolicies(): Obj[] {
  const requesterRights = policy(POLICY_REQUESTER_RIGHTS, {
    failurePolicy: 'Fail',
    matchConstraints: { resourceRules: [rule(['jobtemplates'], ['CREATE', 'UPDATE']), rule(['jobruns'], ['CREATE'])] },
    validations: [
      {
        expression: `!(${isTemplate}) || ${may('batch', 'jobs', 'create')}`,
        messageExpression: message('{request.userInfo.username} may not create jobs.batch in namespace {request.namespace}: ' +
          'a JobTemplate holds a pod spec that the controller runs as a Job, so creating or changing one needs that right'),
        reason: 'Forbidden',
      },
      {
        expression: `!(${isRun}) || !has(object.spec.force) || !object.spec.force || ${may(API_GROUP, 'jobruns', FORCE_VERB)}`,
        messageExpression: message(`{request.userInfo.username} may not force jobruns.${API_GROUP} in namespace {request.namespace}: ` +
          'a JobRun with spec.force: true skips the concurrency policy of its workload, so it needs that verb'),
        reason: 'Forbidden',
      },
      {
        expression: `!(${isTemplate}) || !has(object.metadata.labels) || !('${LABEL_WORKLOAD}' in object.metadata.labels) || ` +
          `object.metadata.labels['${LABEL_WORKLOAD}'] == object.metadata.name`,
        messageExpression: message(`JobTemplate {object.metadata.name} has the label ${LABEL_WORKLOAD}: ` +
          `{object.metadata.labels['${LABEL_WORKLOAD}']}, another workload: a JobTemplate belongs to the workload of its own name`),
        reason: 'Invalid',
      },
    ],
  });
  const templateRun = "!has(object.spec.templateRef.kind) || object.spec.templateRef.kind == 'JobTemplate'";
  const replaceTemplate = policy(POLICY_REPLACE_TEMPLATE, {
    failurePolicy: 'Fail',
    paramKind: { apiVersion: API_GROUP_VERSION, kind: JOB_TEMPLATE_KIND },
    matchConstraints: { resourceRules: [rule(['jobruns'], ['CREATE'])] },
    matchConditions: [{ name: 'runs-a-jobtemplate', expression: templateRun }],
    validations: [{
      ...REPLACE_VALIDATION,
      expression: `!has(params.spec.concurrency) || params.spec.concurrency.policy != '${ConcurrencyPolicy.REPLACE}' || ${REPLACE_VALIDATION.expression}`,
    }],
  });
  const replaceCronJob = policy(POLICY_REPLACE_CRONJOB, {
    failurePolicy: 'Fail',
    paramKind: { apiVersion: 'batch/v1', kind: 'CronJob' },
    matchConstraints: { resourceRules: [rule(['jobruns'], ['CREATE'])] },
    matchConditions: [{ name: 'runs-a-cronjob', expression: `!(${templateRun})` }],
    validations: [{
      ...REPLACE_VALIDATION,
      expression: `!has(params.spec.concurrencyPolicy) || params.spec.concurrencyPolicy != '${ConcurrencyPolicy.REPLACE}' || ${REPLACE_VALIDATION.expression}`,
    }],
  });
  // 4. A Job stamped Replace-across-CronJobs makes the controller delete the workload's older
  // running Jobs: creating one (or stamping one) needs `delete jobs`. The CronJob controller has it.
  const replaceJob = policy(POLICY_REPLACE_JOB, {
    failurePolicy: 'Fail',
    matchConstraints: WORKLOAD_JOBS,
    matchConditions: [{
      name: 'stamps-replace',
      expression: `${annotation('object', ANNOTATION_CONCURRENCY)} == '${ConcurrencyPolicy.REPLACE}' && ${setsAnnotation(ANNOTATION_CONCURRENCY)}`,
    }],
    validations: [{
      expression: may('batch', 'jobs', 'delete'),
      messageExpression: message('{request.userInfo.username} may not delete jobs.batch in namespace {request.namespace}: a Job with ' +
        `${ANNOTATION_CONCURRENCY}: Replace makes the controller delete the older running Jobs of its workload ` +
        `{object.metadata.labels['${LABEL_WORKLOAD}']}, so creating one needs that right`),
      reason: 'Forbidden',
    }],
  });
  // 5. kill-at asks the controller to kill the Job at a time: whoever sets or changes it must
  // be allowed to kill it themselves (`patch jobs`), and must ask under their own name.
  const killAt = policy(POLICY_KILL_AT, {
    failurePolicy: 'Fail',
    matchConstraints: WORKLOAD_JOBS,
    matchConditions: [{
      name: 'sets-kill-at',
      expression: `(${annotation('object', ANNOTATION_KILL_AT)} != '' || ${annotation('object', ANNOTATION_KILL_REQUESTED_BY)} != '') && ` +
        `(${setsAnnotation(ANNOTATION_KILL_AT)} || ${setsAnnotation(ANNOTATION_KILL_REQUESTED_BY)})`,
    }],
    validations: [
      {
        expression: may('batch', 'jobs', 'patch'),
        messageExpression: message('{request.userInfo.username} may not patch jobs.batch in namespace {request.namespace}: ' +
          `${ANNOTATION_KILL_AT} asks the controller to kill Job {object.metadata.name} at a time, so setting it needs that right`),
        reason: 'Forbidden',
      },
      {
        expression: `${annotation('object', ANNOTATION_KILL_REQUESTED_BY)} == request.userInfo.username`,
        messageExpression: message(`${ANNOTATION_KILL_REQUESTED_BY} must be the requester, {request.userInfo.username} ` +
          `(got "{${annotation('object', ANNOTATION_KILL_REQUESTED_BY)}}"): the controller kills in their name; cdk8s-batch kill --at writes it`),
        reason: 'Invalid',
      },
    ],
  });
  // Every template (CronJob) of the request's namespace is a param: the run names one by name,
  // which a label selector cannot express, and none at all must not deny.
  const everyParam = { selector: {}, parameterNotFoundAction: 'Allow' };
  return [
    requesterRights, replaceTemplate, replaceCronJob, replaceJob, killAt,
    binding(POLICY_REQUESTER_RIGHTS), binding(POLICY_REPLACE_TEMPLATE, everyParam), binding(POLICY_REPLACE_CRONJOB, everyParam),
    binding(POLICY_REPLACE_JOB), binding(POLICY_KILL_AT),
  ];
}

/**
 * ClusterRoles for users, aggregated into Kubernetes' default roles: whoever has `edit` or
 * `admin` in a namespace may manage JobTemplates and JobRuns there and force runs (they may
 * create and delete Jobs already), and `view` may read them.
 */
export function userClusterRoles(): Obj[] {
  const role = (name: string, aggregateTo: string[], rules: Obj[]) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels: Object.fromEntries(aggregateTo.map((r) => [`rbac.authorization.k8s.io/aggregate-to-${r}`, 'true'])) },
    rules,
  });
  return [
    role('cdk8s-batch-edit', ['edit', 'admin'], [
      { apiGroups: [API_GROUP], resources: ['jobtemplates', 'jobruns'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] },
      { apiGroups: [API_GROUP], resources: ['jobruns'], verbs: [FORCE_VERB] },
    ]),
    role('cdk8s-batch-view', ['view'], [
      { apiGroups: [API_GROUP], resources: ['jobtemplates', 'jobruns', 'jobruns/status'], verbs: ['get', 'list', 'watch'] },
    ]),
  ];
}
