// Errors a tool throws for problems the caller can fix by changing the arguments. The central
// wrapper turns them into tool errors (isError) with the hint, so a model can correct itself.
export class ToolInputError extends Error {
  override readonly name = 'ToolInputError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * A call refused before it reached CES that the caller may retry later (rate and concurrency limits,
 * src/policy/limits.ts): a tool error with the time to wait, not a bug.
 */
export class RetryLaterError extends Error {
  override readonly name: string = 'RetryLaterError';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
