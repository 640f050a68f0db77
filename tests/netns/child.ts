/**
 * A child process run inside a test namespace, with its output collected line
 * by line so tests can wait for what they expect instead of sleeping.
 *
 * @module
 */

/** Turns one stdout line into a message; return undefined to keep only the raw line. */
export type LineParser = (line: string) => unknown;

/**
 * Options for waiting on a child's output.
 *
 * @example
 * ```ts ignore
 * await child.waitFor((m) => m.event === "started", { timeoutMs: 5000, what: "start" });
 * ```
 */
export interface WaitOptions {
  /** Give up after this long. @default {10000} */
  readonly timeoutMs?: number;
  /** Only consider messages at or after this index (see {@linkcode Child.mark}). */
  readonly since?: number;
  /** What is awaited, for the timeout message. */
  readonly what?: string;
}

const MAX_STDERR_CHARS = 64_000;

/**
 * A spawned process. Parsed stdout messages accumulate in `messages`; waiters
 * are resolved as lines arrive. Always {@linkcode Child.stop} it (a `Lab` does
 * so for every child it started).
 *
 * @example
 * ```ts ignore
 * const child = host.deno("tests/netns/agents/transport_agent.ts", ["{}"]);
 * const started = await child.waitFor((m: any) => m.event === "started");
 * await child.stop();
 * ```
 */
export class Child {
  /** Human-readable label for errors. */
  readonly label: string;
  /** Process id (of the command itself: `ip netns exec` execs it). */
  readonly pid: number;
  /** Parsed stdout messages, in order. */
  readonly messages: unknown[] = [];
  /** Raw stdout lines, in order. */
  readonly lines: string[] = [];
  /** Resolves when the process has exited and its output is drained. */
  readonly status: Promise<Deno.CommandStatus>;
  #process: Deno.ChildProcess;
  #stderr = "";
  #stdin: WritableStreamDefaultWriter<Uint8Array> | undefined;
  #waiters = new Set<() => void>();
  #exited = false;
  #encoder = new TextEncoder();

  /** Spawns `command` (already wrapped in `ip netns exec` by the caller). */
  constructor(
    label: string,
    command: Deno.Command,
    options: { parse?: LineParser; stdin?: boolean } = {},
  ) {
    this.label = label;
    this.#process = command.spawn();
    this.pid = this.#process.pid;
    if (options.stdin) this.#stdin = this.#process.stdin.getWriter();
    const parse = options.parse ?? parseJsonLine;
    const out = this.#pump(this.#process.stdout, (line) => {
      this.lines.push(line);
      const message = parse(line);
      if (message !== undefined) this.messages.push(message);
    });
    const err = this.#pump(this.#process.stderr, (line) => {
      if (this.#stderr.length < MAX_STDERR_CHARS) this.#stderr += line + "\n";
    });
    this.status = Promise.all([this.#process.status, out, err]).then(([status]) => {
      this.#exited = true;
      this.#wake();
      return status;
    });
  }

  /** Collected stderr (bounded). */
  get stderr(): string {
    return this.#stderr;
  }

  /** Whether the process has exited. */
  get exited(): boolean {
    return this.#exited;
  }

  /** Index of the next message, to wait only for what comes after this point. */
  mark(): number {
    return this.messages.length;
  }

  /** Messages (from `since`) that satisfy `predicate`. */
  // deno-lint-ignore no-explicit-any
  filter<T = any>(predicate: (message: T) => boolean, since = 0): T[] {
    return (this.messages.slice(since) as T[]).filter(predicate);
  }

  /** Waits for a stdout message satisfying `predicate` (already received ones count). */
  // deno-lint-ignore no-explicit-any
  waitFor<T = any>(predicate: (message: T) => boolean, options: WaitOptions = {}): Promise<T> {
    let from = options.since ?? 0;
    return this.#wait(options, () => {
      for (; from < this.messages.length; from++) {
        const m = this.messages[from] as T;
        if (predicate(m)) return { value: m };
      }
      return undefined;
    });
  }

  /** Waits for a stderr line matching `pattern`. */
  waitForStderr(pattern: RegExp, options: WaitOptions = {}): Promise<string> {
    return this.#wait(options, () => {
      const match = this.#stderr.match(pattern);
      return match === null ? undefined : { value: match[0] };
    });
  }

  /** Waits for a raw stdout line matching `pattern`. */
  waitForLine(pattern: RegExp, options: WaitOptions = {}): Promise<string> {
    let from = 0;
    return this.#wait(options, () => {
      for (; from < this.lines.length; from++) {
        if (pattern.test(this.lines[from])) return { value: this.lines[from] };
      }
      return undefined;
    });
  }

  /** Writes one JSON line to the child's stdin (spawned with `stdin: true`). */
  send(message: unknown): Promise<void> {
    return this.write(JSON.stringify(message) + "\n");
  }

  /** Writes raw text to the child's stdin (spawned with `stdin: true`). */
  async write(text: string): Promise<void> {
    if (this.#stdin === undefined) throw new TypeError(`Cannot write: ${this.label} has no stdin`);
    await this.#stdin.write(this.#encoder.encode(text));
  }

  /**
   * Ends the process: closes stdin, sends `signal`, and SIGKILL after
   * `graceMs`. Resolves with its status. Safe to call twice. SIGKILL goes
   * first: an agent that ends cleanly at the end of its input (goodbyes and
   * all) would otherwise race the kill a test means to be abrupt.
   */
  async stop(signal: Deno.Signal = "SIGTERM", graceMs = 3000): Promise<Deno.CommandStatus> {
    if (signal === "SIGKILL" && !this.#exited) {
      try {
        this.#process.kill("SIGKILL");
      } catch {
        // Already gone.
      }
    }
    if (this.#stdin !== undefined) {
      const stdin = this.#stdin;
      this.#stdin = undefined;
      await stdin.close().catch(() => {});
    }
    if (!this.#exited) {
      try {
        this.#process.kill(signal);
      } catch {
        // Already gone.
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const killed = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          try {
            this.#process.kill("SIGKILL");
          } catch {
            // Already gone.
          }
          resolve();
        }, graceMs);
      });
      await Promise.race([this.status, killed]);
      clearTimeout(timer);
    }
    return await this.status;
  }

  /** Closes stdin (end of input) without killing the process. */
  async closeStdin(): Promise<void> {
    const stdin = this.#stdin;
    this.#stdin = undefined;
    await stdin?.close().catch(() => {});
  }

  #wake(): void {
    for (const waiter of this.#waiters) waiter();
  }

  #wait<T>(options: WaitOptions, check: () => { value: T } | undefined): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise<T>((resolve, reject) => {
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        fn();
      };
      const waiter = () => {
        const hit = check();
        if (hit !== undefined) return finish(() => resolve(hit.value));
        if (this.#exited) {
          finish(() =>
            reject(this.#error(`exited before ${options.what ?? "the awaited output"}`))
          );
        }
      };
      // Declared after `finish`, which only runs once this is set.
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              this.#error(
                `timed out after ${timeoutMs} ms waiting for ${options.what ?? "output"}`,
              ),
            )
          ),
        timeoutMs,
      );
      this.#waiters.add(waiter);
      waiter();
    });
  }

  #error(what: string): Error {
    const tail = this.lines.slice(-15).join("\n");
    return new Error(
      `${this.label} ${what}\n--- last stdout lines ---\n${tail}\n--- stderr ---\n${
        this.#stderr.slice(-3000)
      }`,
    );
  }

  async #pump(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
    const decoder = new TextDecoder();
    let rest = "";
    try {
      for await (const chunk of stream) {
        rest += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = rest.indexOf("\n")) >= 0) {
          onLine(rest.slice(0, nl));
          rest = rest.slice(nl + 1);
        }
        this.#wake();
      }
    } catch {
      // The pipe broke because the process died; what we have is what there is.
    }
    if (rest.length > 0) onLine(rest);
    this.#wake();
  }
}

/**
 * Parses a JSON line; other lines are kept only as raw lines.
 *
 * @example
 * ```ts
 * import { parseJsonLine } from "./child.ts";
 * console.log(parseJsonLine('{"a":1}'), parseJsonLine("hello")); // { a: 1 } undefined
 * ```
 */
export function parseJsonLine(line: string): unknown {
  if (!line.startsWith("{")) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
