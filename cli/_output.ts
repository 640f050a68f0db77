/**
 * Where commands write: one line at a time, each flushed as it is written
 * (so `| jq` and tests see events as they happen), JSON lines with `event` and
 * `ts`, and colour only on a terminal and never under `NO_COLOR`.
 *
 * @module
 */

/**
 * A command's two streams. Commands never call `console` or `Deno.stdout`
 * themselves, so tests capture what they print.
 */
export interface Output {
  /** True when human output may use ANSI colour. */
  readonly color: boolean;
  /** Writes one line to stdout. */
  line(text: string): void;
  /** Writes one JSON object (`event`, `ts`, then `fields`) as one line to stdout. */
  json(event: string, fields: Record<string, unknown>, ts: number): void;
  /** Writes one diagnostic line to stderr. */
  error(text: string): void;
}

const encoder = new TextEncoder();

/** Writes all of `bytes`, however many calls it takes. */
function writeAll(stream: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += stream.writeSync(bytes.subarray(done));
}

/**
 * The process's stdout and stderr. When stdout's reader goes away (`| head`),
 * `closed` aborts, so a long-running command can end quietly.
 */
export class TerminalOutput implements Output {
  /** Aborts when stdout can no longer be written (a closed pipe). */
  readonly closed: AbortController = new AbortController();
  readonly color: boolean = Deno.stdout.isTerminal() && !Deno.noColor;

  line(text: string): void {
    if (this.closed.signal.aborted) return;
    try {
      writeAll(Deno.stdout, encoder.encode(text + "\n"));
    } catch (error) {
      if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
      this.closed.abort();
    }
  }

  json(event: string, fields: Record<string, unknown>, ts: number): void {
    this.line(JSON.stringify({ event, ts, ...fields }));
  }

  error(text: string): void {
    try {
      writeAll(Deno.stderr, encoder.encode(text + "\n"));
    } catch {
      // Nowhere left to report to.
    }
  }
}

/**
 * Output kept in arrays, for tests.
 */
export class MemoryOutput implements Output {
  readonly color: boolean;
  /** Lines written to stdout. */
  readonly stdout: string[] = [];
  /** Lines written to stderr. */
  readonly stderr: string[] = [];
  #listeners: (() => void)[] = [];

  /** Creates an empty capture; `color` as a terminal would set it. */
  constructor(options: { color?: boolean } = {}) {
    this.color = options.color ?? false;
  }

  line(text: string): void {
    this.stdout.push(text);
    for (const listener of this.#listeners) listener();
  }

  json(event: string, fields: Record<string, unknown>, ts: number): void {
    this.line(JSON.stringify({ event, ts, ...fields }));
  }

  error(text: string): void {
    this.stderr.push(text);
  }

  /** The parsed JSON lines of stdout. */
  // deno-lint-ignore no-explicit-any
  messages(): any[] {
    return this.stdout.map((line) => JSON.parse(line));
  }

  /** Resolves once stdout holds a line matching `predicate`. */
  waitFor(predicate: (line: string) => boolean): Promise<string> {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.stdout.find(predicate);
        if (found === undefined) return false;
        this.#listeners = this.#listeners.filter((l) => l !== listener);
        resolve(found);
        return true;
      };
      const listener = () => void check();
      if (!check()) this.#listeners.push(listener);
    });
  }
}

const ANSI = { green: 32, red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;

/**
 * A colour name for {@linkcode paint}.
 */
export type Colour = keyof typeof ANSI;

/**
 * Wraps `text` in an ANSI colour when `enabled`, else returns it unchanged.
 */
export function paint(enabled: boolean, colour: Colour, text: string): string {
  return enabled ? `\x1b[${ANSI[colour]}m${text}\x1b[0m` : text;
}

/**
 * The time stamp column, `HH:MM:SS.mmm` in local time, as `dns-sd` prints.
 */
export function timeColumn(unixMs: number): string {
  const d = new Date(unixMs);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${
    String(d.getMilliseconds()).padStart(3, "0")
  }`;
}

/**
 * Unix seconds, fractional, for the `ts` field of JSON lines.
 */
export function unixSeconds(unixMs: number): number {
  return unixMs / 1000;
}

/**
 * ` (FFI hatch active: ...)` when the transport runs with `--allow-ffi`'s
 * extras, else nothing: tells a person whether `--allow-ffi` took.
 */
export function ffiNote(transport: object): string {
  const ffi = (transport as { stats?: { ffi?: string } }).stats?.ffi;
  return ffi === "active" ? " (FFI hatch active: TTL 255, exact IPv4 interfaces)" : "";
}
