/** Every error the gateway raises on purpose carries a stable code; the HTTP layer maps it once. */
export class GatewayError extends Error {
  constructor(
    readonly code: 'bad_request' | 'unknown_key' | 'budget_exceeded' | 'budget_unavailable' | 'rate_limit_exceeded' | 'upstream_unreachable' | 'shutting_down' | 'client_disconnected' | 'config' | 'internal',
    message: string,
    readonly status: number,
    /** Seconds for `Retry-After` on 429s and 503s. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

export class GatewayConfigError extends GatewayError {
  constructor(message: string) {
    super('config', message, 500);
    this.name = 'GatewayConfigError';
  }
}
