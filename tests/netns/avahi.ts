/**
 * avahi-daemon inside a test namespace. Each daemon gets a private D-Bus
 * system bus (its socket in a private temp directory, reached through
 * DBUS_SYSTEM_BUS_ADDRESS) and runs under `unshare -m` with a tmpfs on /run, so
 * its pid file and socket never collide with another avahi (the machine's own
 * or another test's). avahi-browse and avahi-publish reach it over that bus.
 *
 * @module
 */

import type { Child } from "./child.ts";
import { type Host, waitUntil } from "./lab.ts";

/**
 * Options for {@linkcode startAvahi}.
 *
 * @example
 * ```ts ignore
 * const avahi = await startAvahi(host, { hostName: "avahi-a", interfaces: ["eth0"] });
 * ```
 */
export interface AvahiOptions {
  /** Host name avahi claims (`<hostName>.local`); namespaces share the UTS name, so set one. */
  readonly hostName: string;
  /** `allow-interfaces`; default: every interface of the host. */
  readonly interfaces?: readonly string[];
  /** `use-ipv4`. @default {true} */
  readonly ipv4?: boolean;
  /** `use-ipv6`. @default {true} */
  readonly ipv6?: boolean;
  /**
   * Avahi's incoming-packet rate limit (`ratelimit-interval-usec` 1 s, burst
   * 1,000); `false` leaves both settings out, which turns it off (benches
   * that compare answers per second). @default {true}
   */
  readonly rateLimit?: boolean;
  /** How long to wait for "Server startup complete". @default {15000} */
  readonly timeoutMs?: number;
}

/**
 * One service line from `avahi-browse -p` (`+` added, `-` removed, `=` resolved).
 *
 * @example
 * ```ts
 * import { parseAvahiBrowseLine } from "./avahi.ts";
 * const e = parseAvahiBrowseLine("+;eth0;IPv4;My\\032Svc;_http._tcp;local");
 * console.log(e?.name); // My Svc
 * ```
 */
export interface AvahiBrowseEntry {
  /** `+`, `-` or `=`. */
  readonly event: "+" | "-" | "=";
  /** Interface name. */
  readonly interface: string;
  /** `IPv4` or `IPv6`. */
  readonly protocol: string;
  /** Instance name, unescaped. */
  readonly name: string;
  /** Service type. */
  readonly type: string;
  /** Domain. */
  readonly domain: string;
  /** Host name (resolved lines only). */
  readonly host?: string;
  /** Address (resolved lines only). */
  readonly address?: string;
  /** Port (resolved lines only). */
  readonly port?: number;
  /** TXT strings (resolved lines only). */
  readonly txt?: string[];
}

/**
 * Parses one `avahi-browse -p -k` line; undefined for other lines.
 *
 * @example
 * ```ts
 * import { parseAvahiBrowseLine } from "./avahi.ts";
 * const e = parseAvahiBrowseLine('=;eth0;IPv4;x;_http._tcp;local;h.local;198.18.1.1;80;"a=b"');
 * console.log(e?.port, e?.txt); // 80 ["a=b"]
 * ```
 */
export function parseAvahiBrowseLine(line: string): AvahiBrowseEntry | undefined {
  const f = line.split(";");
  if (f.length < 6 || !["+", "-", "="].includes(f[0])) return undefined;
  // avahi escapes each byte of a non-ASCII character as \DDD: collect the
  // bytes and decode them as UTF-8, so "Büro" comes back as "Büro".
  const unescape = (s: string) => {
    const bytes: number[] = [];
    for (let i = 0; i < s.length; i++) {
      if (s[i] === "\\" && /^\d{3}$/.test(s.slice(i + 1, i + 4))) {
        bytes.push(Number(s.slice(i + 1, i + 4)));
        i += 3;
      } else if (s[i] === "\\" && i + 1 < s.length) {
        bytes.push(...new TextEncoder().encode(s[++i]));
      } else bytes.push(...new TextEncoder().encode(s[i]));
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  };
  const entry: AvahiBrowseEntry = {
    event: f[0] as "+" | "-" | "=",
    interface: f[1],
    protocol: f[2],
    name: unescape(f[3]),
    type: f[4],
    domain: f[5],
  };
  if (f[0] !== "=" || f.length < 10) return entry;
  const txt = [...f.slice(9).join(";").matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
  return { ...entry, host: f[6], address: f[7], port: Number(f[8]), txt };
}

/**
 * A running avahi-daemon and the tools that talk to it.
 *
 * @example
 * ```ts ignore
 * const avahi = await startAvahi(host, { hostName: "avahi-a" });
 * const publisher = await avahi.publish("My Svc", "_http._tcp", 8080, ["k=v"]);
 * const browser = avahi.browse("_http._tcp");
 * await browser.waitFor((e: AvahiBrowseEntry) => e.event === "=" && e.name === "Other");
 * ```
 */
export class Avahi {
  /** The namespace host it runs in. */
  readonly host: Host;
  /** The name it claims, without `.local`. */
  readonly hostName: string;
  /** Value for DBUS_SYSTEM_BUS_ADDRESS. */
  readonly busAddress: string;
  /** The daemon process (its stderr carries avahi's log). */
  readonly daemon: Child;

  /** Use {@linkcode startAvahi}. */
  constructor(host: Host, hostName: string, busAddress: string, daemon: Child) {
    this.host = host;
    this.hostName = hostName;
    this.busAddress = busAddress;
    this.daemon = daemon;
  }

  /** Environment for avahi clients. */
  get env(): Record<string, string> {
    return { DBUS_SYSTEM_BUS_ADDRESS: this.busAddress };
  }

  /**
   * Publishes a service with `avahi-publish -s` and waits until avahi reports
   * it established (after probing). Stop the returned child to withdraw it.
   */
  async publish(
    name: string,
    type: string,
    port: number,
    txt: readonly string[] = [],
    options: { timeoutMs?: number; host?: string } = {},
  ): Promise<Child> {
    const host = options.host === undefined ? [] : ["-H", options.host];
    return await this.#established(
      ["avahi-publish", "-s", ...host, name, type, String(port), ...txt],
      name,
      options.timeoutMs,
    );
  }

  /**
   * Publishes an address record for a host name (a proxied host) with
   * `avahi-publish -a -R` (no reverse PTR) and waits until avahi reports it
   * established. Stop the returned child to withdraw it (goodbye).
   */
  async publishAddress(
    hostName: string,
    address: string,
    options: { timeoutMs?: number } = {},
  ): Promise<Child> {
    return await this.#established(
      ["avahi-publish", "-a", "-R", hostName, address],
      `${hostName} ${address}`,
      options.timeoutMs,
    );
  }

  async #established(args: string[], what: string, timeoutMs = 10_000): Promise<Child> {
    const child = this.host.spawn(args, {
      env: this.env,
      parse: () => undefined,
      label: `[${this.host.name}] avahi-publish ${what}`,
    });
    const established = /Established under name/;
    await Promise.race([
      child.waitForLine(established, { timeoutMs, what: "publish" }),
      child.waitForStderr(established, { timeoutMs, what: "publish" }),
    ]);
    return child;
  }

  /**
   * Starts `avahi-browse -p -k [-r] type` (continuous). Its messages are
   * {@linkcode AvahiBrowseEntry} values.
   */
  browse(type: string, options: { resolve?: boolean } = {}): Child {
    const args = ["avahi-browse", "-p", "-k", ...(options.resolve === false ? [] : ["-r"]), type];
    return this.host.spawn(args, {
      env: this.env,
      parse: parseAvahiBrowseLine,
      label: `[${this.host.name}] avahi-browse ${type}`,
    });
  }

  /** Resolves a host name with `avahi-resolve -n`; returns the addresses found. */
  async resolveHost(name: string, family: 4 | 6 = 4): Promise<string[]> {
    const out = await this.host.exec(["avahi-resolve", `-${family}`, "-n", name], {
      env: this.env,
      allowFailure: true,
    });
    return out.stdout.split("\n").map((l) => l.split(/\s+/)[1]).filter((a) =>
      a !== undefined && a !== ""
    );
  }

  /** Stops the daemon (the lab also does this at teardown). */
  async stop(): Promise<void> {
    await this.daemon.stop();
  }
}

/**
 * Starts a private D-Bus system bus and avahi-daemon in `host`, and waits for
 * "Server startup complete". Both stop when the lab closes.
 *
 * @example
 * ```ts ignore
 * import { startAvahi } from "./avahi.ts";
 * const avahi = await startAvahi(host, { hostName: "avahi-a", interfaces: ["eth0"] });
 * ```
 */
export async function startAvahi(host: Host, options: AvahiOptions): Promise<Avahi> {
  const dir = await Deno.makeTempDir({ prefix: `${host.ns}-avahi-` });
  host.lab.onClose(() => Deno.remove(dir, { recursive: true }));
  const bus = `${dir}/system_bus_socket`;
  await Deno.writeTextFile(
    `${dir}/bus.conf`,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path=${bus}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
`,
  );
  const lines = [
    "[server]",
    `host-name=${options.hostName}`,
    "domain-name=local",
    `use-ipv4=${options.ipv4 === false ? "no" : "yes"}`,
    `use-ipv6=${options.ipv6 === false ? "no" : "yes"}`,
    ...(options.interfaces ? [`allow-interfaces=${options.interfaces.join(",")}`] : []),
    "enable-dbus=yes",
    "disallow-other-stacks=no",
    ...(options.rateLimit === false
      ? []
      : ["ratelimit-interval-usec=1000000", "ratelimit-burst=1000"]),
    "[wide-area]",
    "enable-wide-area=no",
    "[publish]",
    "publish-hinfo=no",
    "publish-workstation=no",
    "[reflector]",
    "[rlimits]",
  ];
  await Deno.writeTextFile(`${dir}/avahi-daemon.conf`, lines.join("\n") + "\n");
  host.spawn(
    ["dbus-daemon", `--config-file=${dir}/bus.conf`, "--nofork", "--nopidfile"],
    { parse: () => undefined, label: `[${host.name}] dbus-daemon` },
  );
  await waitUntil(() => existsSync(bus), `D-Bus socket ${bus}`);
  const busAddress = `unix:path=${bus}`;
  // A private /run: avahi's pid file and socket live there.
  const script = "mount --make-rprivate / && mount -t tmpfs tmpfs /run && " +
    "mkdir -p /run/avahi-daemon /run/dbus && " +
    `exec avahi-daemon -f ${dir}/avahi-daemon.conf --no-drop-root --no-chroot --no-rlimits`;
  const daemon = host.spawn(["unshare", "-m", "--", "sh", "-c", script], {
    env: { DBUS_SYSTEM_BUS_ADDRESS: busAddress },
    parse: () => undefined,
    label: `[${host.name}] avahi-daemon`,
  });
  await daemon.waitForStderr(/Server startup complete/, {
    timeoutMs: options.timeoutMs ?? 15_000,
    what: "avahi-daemon startup",
  });
  return new Avahi(host, options.hostName, busAddress, daemon);
}

function existsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
