/** Every error code the REST API answers with, and its HTTP status: one catalogue. */
export const API_ERRORS = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  'too-many-requests': 429,
  internal: 500,
  /** A backup the node ran failed; the message says why. */
  'backup-failed': 500,
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** The body of every error answer: `field` names the offending input where there is one. */
export interface ApiErrorBody {
  error: ApiErrorCode;
  field?: string;
  message: string;
  /** With 429: when the client may try again (also in Retry-After). */
  retryAt?: string;
}

/** An error a route raises on purpose; the error handler answers it as-is. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  get status(): number {
    return API_ERRORS[this.code];
  }
}
