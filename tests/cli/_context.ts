/**
 * Test doubles for the CLI: a command context over a virtual clock and
 * captured output, and a fake stack that implements the spec's API (publish,
 * browse, resolve, lookups) so the commands are tested without sockets.
 */
import type { CommandContext, LinkOptions } from "../../cli/_context.ts";
import type {
  BrowseEvent,
  BrowseOptions,
  Browser,
  CliStack,
  PublishedService,
  PublishEvent,
  PublishOptions,
  ServiceAddress,
  ServiceInfo,
  ServiceTypeEvent,
} from "../../cli/_library.ts";
import { MemoryOutput } from "../../cli/_output.ts";
import { LookupError, ResolveError, TxtAttributes, type TxtInput } from "../../mod.ts";
import type { Transport } from "../../transport/transport.ts";
import { VirtualClock } from "../../testing/mod.ts";

/** 2023-11-14T22:13:20Z: a fixed wall clock start. */
export const EPOCH_MS = 1_700_000_000_000;

export interface TestContext extends CommandContext {
  readonly output: MemoryOutput;
  readonly clock: VirtualClock;
  /** Sends the "signal" (SIGINT / SIGTERM). */
  interrupt(): void;
  /** Flag checks the command asked for. */
  readonly flagChecks: { hostname?: boolean }[];
}

export function testContext(
  options: {
    stack?: CliStack;
    transport?: Transport;
    interfaces?: string[];
    clock?: VirtualClock;
  } = {},
): TestContext {
  const clock = options.clock ?? new VirtualClock();
  const stop = new AbortController();
  const flagChecks: { hostname?: boolean }[] = [];
  const output = new MemoryOutput();
  return {
    output,
    clock,
    flagChecks,
    signal: stop.signal,
    interrupt: () => stop.abort(),
    now: () => EPOCH_MS + clock.now(),
    sleep: (ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const timer = clock.setTimer(ms, done);
        function done() {
          timer[Symbol.dispose]();
          signal?.removeEventListener("abort", done);
          resolve();
        }
        signal?.addEventListener("abort", done, { once: true });
      }),
    checkFlags: (needs) => void flagChecks.push(needs),
    interfaceNames: () => options.interfaces ?? ["lo", "eth0", "eth1"],
    transport: (_: LinkOptions) => {
      if (options.transport === undefined) throw new Error("no transport in this test");
      return options.transport;
    },
    startStack: (_: LinkOptions) => {
      if (options.stack === undefined) throw new Error("no stack in this test");
      return Promise.resolve(options.stack);
    },
  };
}

/** Lets pending promise callbacks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}

/** A browse the test feeds by hand. */
export class FakeBrowser<E> implements Browser<E> {
  readonly options: BrowseOptions | undefined;
  endReason: Browser<E>["endReason"];
  #queue: E[] = [];
  #wake: (() => void) | undefined;

  constructor(options: BrowseOptions | undefined) {
    this.options = options;
    options?.signal?.addEventListener("abort", () => this.end("aborted"), { once: true });
  }

  push(event: E): void {
    this.#queue.push(event);
    this.#wake?.();
  }

  end(reason: NonNullable<Browser<E>["endReason"]>): void {
    this.endReason ??= reason;
    this.#wake?.();
  }

  services(): ServiceInfo[] {
    return [];
  }

  async *[Symbol.asyncIterator](): AsyncIterator<E> {
    while (true) {
      const next = this.#queue.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.endReason !== undefined) return;
      await new Promise<void>((resolve) => this.#wake = resolve);
      this.#wake = undefined;
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.end("disposed");
    return Promise.resolve();
  }
}

/** A published service handle that records what the command did with it. */
export class FakePublished implements PublishedService {
  name: string;
  readonly type: string;
  readonly host: string;
  readonly port: number;
  readonly domain = "local";
  readonly subtypes: readonly string[];
  txt: TxtAttributes;
  unpublished = 0;
  #listeners = new Set<(event: PublishEvent) => void>();

  constructor(options: PublishOptions, name = options.name) {
    this.name = name;
    this.type = options.type;
    this.host = options.host ?? "testhost.local";
    this.port = options.port;
    this.subtypes = options.subtypes ?? [];
    this.txt = TxtAttributes.from(options.txt ?? {});
  }

  get fullName(): string {
    return `${this.name.replaceAll(".", "\\.")}.${this.type}.local`;
  }

  updateTxt(txt: TxtInput): Promise<void> {
    this.txt = TxtAttributes.from(txt);
    return Promise.resolve();
  }

  subscribe(listener: (event: PublishEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: PublishEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  unpublish(): Promise<void> {
    this.unpublished++;
    for (const listener of this.#listeners) listener({ type: "goodbye", name: this.name });
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.unpublish();
  }
}

/** The spec's API over hand-fed state. */
export class FakeStack implements CliStack {
  readonly links = [{ name: "eth0", index: 2, ipv4: ["198.18.1.1/24"], ipv6: [] }];
  closed = 0;
  published: PublishOptions[] = [];
  handles: FakePublished[] = [];
  /** What publish does: resolve at once (default) or be replaced by the test. */
  onPublish: (options: PublishOptions) => Promise<FakePublished> = (options) => {
    options.onEvent?.({ type: "probing", name: options.name });
    const handle = new FakePublished(options);
    options.onEvent?.({ type: "registered", name: options.name });
    return Promise.resolve(handle);
  };
  browsers: FakeBrowser<BrowseEvent | ServiceTypeEvent>[] = [];
  browseCalls: [string | undefined, BrowseOptions | undefined][] = [];
  resolveAnswer: (name: string) => Promise<ServiceInfo> = (name) =>
    Promise.reject(new ResolveError(name, ["srv"]));
  hostAnswer: (name: string) => Promise<ServiceAddress[]> = (name) =>
    Promise.reject(new LookupError(name, "no answer"));
  addressAnswer: (ip: string) => Promise<string[]> = () => Promise.resolve([]);
  resolveCalls: [string, unknown][] = [];

  async publish(options: PublishOptions): Promise<PublishedService> {
    this.published.push(options);
    const handle = await this.onPublish(options);
    this.handles.push(handle);
    return handle;
  }

  // deno-lint-ignore no-explicit-any
  browse: any = (type?: string, options?: BrowseOptions) => {
    this.browseCalls.push([type, options]);
    const browser = new FakeBrowser<BrowseEvent | ServiceTypeEvent>(options);
    this.browsers.push(browser);
    return browser;
  };

  resolve(name: string, options?: unknown): Promise<ServiceInfo> {
    this.resolveCalls.push([name, options]);
    return this.resolveAnswer(name);
  }

  lookupHost(name: string): Promise<ServiceAddress[]> {
    return this.hostAnswer(name);
  }

  lookupAddress(ip: string): Promise<string[]> {
    return this.addressAnswer(ip);
  }

  close(): Promise<void> {
    this.closed++;
    for (const b of this.browsers) b.end("closed");
    return Promise.resolve();
  }
}

/** A resolved service with every field set, for formatting tests. */
export function sampleService(overrides: Partial<ServiceInfo> = {}): ServiceInfo {
  return {
    fullName: "Living Room\\.2._http._tcp.local",
    name: "Living Room.2",
    type: "_http._tcp",
    domain: "local",
    host: "box.local",
    port: 8080,
    priority: 0,
    weight: 0,
    txt: TxtAttributes.from([["path", "/a b"], ["flag", true], ["empty", ""]]),
    addresses: [
      { address: "198.18.1.2", family: "IPv4", interfaceName: "eth0" },
      { address: "fd00:5353:1::2", family: "IPv6", interfaceName: "eth0" },
      { address: "fe80::2%eth0", family: "IPv6", interfaceName: "eth0" },
    ],
    interfaces: ["eth0"],
    complete: true,
    ttl: 4500,
    ...overrides,
  };
}
