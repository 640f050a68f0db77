/**
 * A mistake in how a command was called: the tools print its message and the
 * command's usage, and exit with status 2.
 *
 * @module
 */
export class UsageError extends Error {
  /** Creates an error with a message for the person at the terminal. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
