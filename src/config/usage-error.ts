/** A mistake in how the server was asked to run: the CLI prints it with a hint and exits 2. */
export class UsageError extends Error {}
