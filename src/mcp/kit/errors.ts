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
