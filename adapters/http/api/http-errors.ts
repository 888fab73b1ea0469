import { ConflictError, NotFoundError, ValidationError } from "../../../core";

/** An error with the HTTP status the client should see. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** Maps any thrown error to a status and a JSON body; unknown errors are 500s and get logged. */
export function errorResponse(error: unknown): { status: number; json: { error: string; status: number; field?: string } } {
  if (error instanceof HttpError) return { status: error.status, json: { error: error.message, status: error.status } };
  if (error instanceof ValidationError) {
    return { status: 400, json: { error: error.message, status: 400, ...(error.field ? { field: error.field } : {}) } };
  }
  if (error instanceof NotFoundError) return { status: 404, json: { error: error.message, status: 404 } };
  if (error instanceof ConflictError) return { status: 409, json: { error: error.message, status: 409 } };
  return { status: 500, json: { error: error instanceof Error ? error.message : String(error), status: 500 } };
}
