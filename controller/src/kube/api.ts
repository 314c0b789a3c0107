/**
 * The controller's port to the API server: a handful of REST verbs over raw JSON. The real
 * implementation is `RestClient` (./rest.ts); unit tests use an in-memory fake with the same
 * resourceVersion and conflict semantics.
 */
import { KubeList, KubeObject, ResourceType } from './types';

export interface ListOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
  /**
   * Called on every item as its page arrives (in place), before the next page is read: a
   * cache's transform, so a long LIST never holds every item whole at once.
   */
  readonly transform?: (item: KubeObject) => void;
}

export interface DeleteOptions {
  /** `Background` lets the garbage collector delete dependents (a Job's pods) afterwards. */
  readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  /** Delete only if the object still has this uid / resourceVersion (409 otherwise). */
  readonly preconditions?: { uid?: string; resourceVersion?: string };
}

export interface KubeApi {
  get<T extends KubeObject>(rt: ResourceType, namespace: string | undefined, name: string): Promise<T>;
  list<T extends KubeObject>(rt: ResourceType, options?: ListOptions): Promise<KubeList<T>>;
  create<T extends KubeObject>(rt: ResourceType, namespace: string | undefined, body: T): Promise<T>;
  /** PUT; the body's `metadata.resourceVersion` is a precondition (409 on mismatch). */
  replace<T extends KubeObject>(rt: ResourceType, namespace: string | undefined, name: string, body: T): Promise<T>;
  /**
   * JSON merge patch (RFC 7386). A `metadata.resourceVersion` in the patch is a precondition:
   * the API server answers 409 Conflict when the object has moved on.
   */
  mergePatch<T extends KubeObject>(
    rt: ResourceType, namespace: string | undefined, name: string, patch: object, subresource?: 'status',
  ): Promise<T>;
  delete(rt: ResourceType, namespace: string | undefined, name: string, options?: DeleteOptions): Promise<void>;
}

/** A non-2xx answer of the API server (or a transport failure, code 0). */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly reason?: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function codeOf(err: unknown): number | undefined {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; statusCode?: unknown };
    if (typeof e.code === 'number') return e.code;
    if (typeof e.statusCode === 'number') return e.statusCode;
  }
  return undefined;
}

export function isConflict(err: unknown): boolean {
  return codeOf(err) === 409;
}

export function isNotFound(err: unknown): boolean {
  return codeOf(err) === 404;
}

export function isAlreadyExists(err: unknown): boolean {
  return codeOf(err) === 409 && (err as ApiError).reason === 'AlreadyExists';
}

/**
 * Whether the API server refused a request for good: a 4xx that asking again will not
 * change (422 Invalid, 400, a policy's 403, 404 of a namespace). Retried instead: 409 (stale
 * read), 408 and 429 (load), 401 (the controller's own credentials), a quota's 403 (frees up
 * when other work ends), 5xx and transport failures (code 0).
 */
export function isPermanentRejection(err: unknown): boolean {
  const code = codeOf(err);
  if (code === undefined || code < 400 || code >= 500) return false;
  if (code === 401 || code === 408 || code === 409 || code === 429) return false;
  if (code === 403 && isQuotaDenial(err)) return false;
  return true;
}

/**
 * Whether the API server could not be reached or could not answer: a transport failure
 * (code 0: connection refused or reset, a timeout), 429 (overloaded, or a restarted server
 * whose watch cache is still initializing), 500, 502, 503, 504 (etcd away). Such a failure says
 * nothing about the request and ends when the control plane is back, so it is retried soon
 * (`UNAVAILABLE_RETRY_MAX_MS`), not after a backoff that grew during the outage.
 */
export function isUnavailable(err: unknown): boolean {
  const code = codeOf(err);
  return code === 0 || code === 429 || code === 500 || code === 502 || code === 503 || code === 504;
}

/**
 * The longest retry delay after an `isUnavailable` failure: once the API server answers
 * again, nothing waits longer than this for its next try (an outage of a minute would
 * otherwise leave a per-key exponential backoff at a minute or more).
 */
export const UNAVAILABLE_RETRY_MAX_MS = 5_000;

/** ResourceQuota's admission denial: `403 Forbidden ... exceeded quota: ...` (or quota status unknown). */
export function isQuotaDenial(err: unknown): boolean {
  return codeOf(err) === 403 && /exceeded quota|status unknown for quota/.test(serverMessage(err));
}

/** The API server's own message (the Status' `message`), without our method and path prefix. */
export function serverMessage(err: unknown): string {
  const body = (err as ApiError | undefined)?.body;
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  return err instanceof Error ? err.message : String(err);
}
