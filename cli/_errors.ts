/**
 * What can stop a command, and how each reaches the person at the terminal:
 * one line on stderr and an exit status, never a stack trace.
 *
 * - {@linkcode UsageError}: the command line is wrong (an argument, or a Deno
 *   flag the command needs): exit 2.
 * - {@linkcode FailureError} and the transport's `TransportError`: the command
 *   ran but could not do its job (nothing answered, port 5353 held, no
 *   interface): exit 1.
 *
 * @module
 */
import { TransportError } from "../transport/transport_error.ts";

/**
 * Exit status of a command that did its job.
 */
export const EXIT_OK = 0;
/**
 * Exit status when the command ran and failed (nothing found, network unusable).
 */
export const EXIT_FAILURE = 1;
/**
 * Exit status for a wrong command line: arguments, or a missing Deno flag.
 */
export const EXIT_USAGE = 2;

/**
 * The flags every networked command needs, in the form to paste.
 */
export const NETWORK_FLAGS = "--allow-net --allow-sys=networkInterfaces,hostname --unstable-net";

/**
 * A mistake in how a command was called.
 */
export class UsageError extends Error {
  /** Creates an error with a message for the person at the terminal. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * The command ran but could not do what was asked (exit 1).
 */
export class FailureError extends Error {
  /** Creates an error with a message for the person at the terminal. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "FailureError";
  }
}

/**
 * Checks, before anything is opened, that Deno was given what a networked
 * command needs; names the exact flag that is missing. Only queries
 * permissions (never prompts), so a run without them fails here, before any
 * socket exists.
 *
 * @throws {UsageError} Naming `--unstable-net`, `--allow-net` or `--allow-sys=...`.
 */
export function requireNetworkFlags(needs: { hostname?: boolean } = {}): void {
  if (typeof Deno.listenDatagram !== "function") {
    throw new UsageError(
      `UDP multicast needs Deno's unstable net API: add --unstable-net (all it needs: ${NETWORK_FLAGS})`,
    );
  }
  const missing = (descriptor: Deno.PermissionDescriptor) =>
    Deno.permissions.querySync(descriptor).state !== "granted";
  if (missing({ name: "net" })) {
    throw new UsageError(
      `network access is not allowed: add --allow-net (all it needs: ${NETWORK_FLAGS})`,
    );
  }
  if (missing({ name: "sys", kind: "networkInterfaces" })) {
    throw new UsageError(
      `listing network interfaces is not allowed: add --allow-sys=networkInterfaces (all it needs: ${NETWORK_FLAGS})`,
    );
  }
  if (needs.hostname && missing({ name: "sys", kind: "hostname" })) {
    throw new UsageError(
      `reading the host name is not allowed: add --allow-sys=hostname, or give --host (all it needs: ${NETWORK_FLAGS})`,
    );
  }
}

/**
 * Turns anything a command threw into the line to print and the exit status.
 */
export function explainError(error: unknown): { message: string; status: number } {
  if (error instanceof UsageError) return { message: error.message, status: EXIT_USAGE };
  if (error instanceof FailureError) return { message: error.message, status: EXIT_FAILURE };
  // node:util's parseArgs: unknown option, missing value, unexpected positional.
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
    return { message: parseArgsMessage((error as Error).message), status: EXIT_USAGE };
  }
  if (error instanceof TransportError) return explainTransportError(error);
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    // Deno's own message names the flag ("run again with the --allow-sys flag").
    return {
      message: `permission denied: ${firstLine(error.message)} (all it needs: ${NETWORK_FLAGS})`,
      status: EXIT_USAGE,
    };
  }
  const message = error instanceof Error
    ? `${error.name}: ${firstLine(error.message)}`
    : String(error);
  return { message: `unexpected error: ${message}`, status: EXIT_FAILURE };
}

function explainTransportError(error: TransportError): { message: string; status: number } {
  const message = firstLine(error.message);
  switch (error.code) {
    case "unstable-api":
    case "permission-denied":
      return { message: `${message} (all it needs: ${NETWORK_FLAGS})`, status: EXIT_USAGE };
    case "address-in-use":
      return {
        message: `${message}; see which program holds it with: ss -ulpn 'sport = :5353'`,
        status: EXIT_FAILURE,
      };
    case "no-interface":
      return {
        message:
          `${message}; connect a network that supports multicast, or name one with --interface`,
        status: EXIT_FAILURE,
      };
    default:
      return { message, status: EXIT_FAILURE };
  }
}

/** node:util's parseArgs messages, made one line: "-1" after --timeout needs "=". */
function parseArgsMessage(text: string): string {
  const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(text);
  if (ambiguous) {
    return `${ambiguous[1]} needs a value; for one that starts with "-", write ${
      ambiguous[1]
    }=-VALUE`;
  }
  // "Unknown option '--x'" without the advice on "--".
  return firstLine(text).split(". To specify")[0];
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0];
}
