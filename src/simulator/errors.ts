// Error answers in the documented Qualys shape: {"errorCode": "403 FORBIDDEN", "message": ..., "timestamp": ms}.

const REASONS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_SERVER_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

/** Thrown by route handlers; the server turns it into an error answer. */
export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string): SimError => new SimError(400, message);
export const notFound = (message: string): SimError => new SimError(404, message);

export function errorBody(status: number, message: string, timestamp: number): Record<string, unknown> {
  return { errorCode: `${status} ${REASONS[status] ?? 'ERROR'}`, message, timestamp };
}
