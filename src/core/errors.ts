// Domain errors: what went wrong, in the domain's words, with no HTTP status. The HTTP layer maps
// each kind to a status and a problem+json body (src/api/errors.ts).

/** One field's problem: `path` as `$.a.b[0]`, from where the value came (body, query, a record). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** A named thing does not exist. */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} does not exist`);
  }
}

/** The request is well formed, but the current state of what it names forbids it. */
export class ConflictError extends Error {}

/** Well-formed input that breaks the domain's rules; `issues` name the fields when there are any. */
export class InvalidError extends Error {
  constructor(
    readonly title: string,
    readonly issues: FieldIssue[] = [],
    detail?: string,
  ) {
    super(detail ?? issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
}

/** Something the operation needs is not configured, or not reachable now: worth retrying later. */
export class UnavailableError extends Error {
  constructor(
    readonly title: string,
    detail: string,
  ) {
    super(detail);
  }
}

/** A provider refused what was asked of it (the email provider refused a test send). */
export class RejectedError extends Error {
  constructor(
    readonly title: string,
    detail: string,
  ) {
    super(detail);
  }
}
