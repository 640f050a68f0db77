/**
 * The namespace test harness, in one import: labs of network namespaces
 * ({@linkcode Lab}, {@linkcode Host}), child processes in them
 * ({@linkcode Child}), avahi-daemon ({@linkcode startAvahi}) and python-zeroconf
 * peers ({@linkcode zeroconfPublish}, {@linkcode zeroconfBrowse}).
 *
 * Tests register with {@linkcode netnsTest}: it runs them when namespaces are
 * available (root + iproute2), skips them with one line otherwise, and fails
 * them in CI (`CI=true`), where they must run.
 *
 * @example
 * ```ts ignore
 * import { Lab, netnsTest } from "./harness.ts";
 * netnsTest("two hosts ping", async () => {
 *   await using lab = await Lab.create();
 *   const br = await lab.addBridge();
 *   const a = await lab.addHost("a"), b = await lab.addHost("b");
 *   await lab.connect(a, br);
 *   await lab.connect(b, br);
 *   await a.exec(["ping", "-c1", "-W1", b.interfaces.get("eth0")!.ipv4]);
 * });
 * ```
 *
 * @module
 */

import { netnsUnavailableReason } from "./lab.ts";

export * from "./avahi.ts";
export * from "./child.ts";
export * from "./lab.ts";
export * from "./zeroconf.ts";

let noticePrinted = false;

/**
 * Whether namespace tests should be ignored here. Prints one line (once per
 * test run) when they are. In CI they are never ignored: `Lab.create()`
 * then fails with the reason.
 *
 * @example
 * ```ts ignore
 * Deno.test({ name: "x", ignore: netnsIgnored(), fn: async () => {} });
 * ```
 */
export function netnsIgnored(): boolean {
  const reason = netnsUnavailableReason();
  if (reason === undefined) return false;
  if (Deno.env.get("CI") === "true") return false;
  if (!noticePrinted) {
    noticePrinted = true;
    if (firstInRun()) {
      // deno-lint-ignore no-console
      console.log(
        `Skipping namespace tests: ${reason} (they run as root with iproute2; CI runs them)`,
      );
    }
  }
  return true;
}

/**
 * `deno test --parallel` runs test modules as workers of one process: a marker
 * keyed on that process (pid and start time) lets only the first module print
 * the notice. Markers of processes that are gone are removed.
 */
function firstInRun(): boolean {
  const dir = Deno.env.get("TMPDIR") ?? "/tmp";
  try {
    for (const entry of Deno.readDirSync(dir)) {
      const pid = entry.name.match(/^mdt-skip-notice-(\d+)-/)?.[1];
      if (pid !== undefined && !existsPath(`/proc/${pid}`)) Deno.removeSync(`${dir}/${entry.name}`);
    }
    const stat = Deno.readTextFileSync("/proc/self/stat");
    const start = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    Deno.openSync(`${dir}/mdt-skip-notice-${Deno.pid}-${start}`, { write: true, createNew: true })
      .close();
    return true;
  } catch (error) {
    return !(error instanceof Deno.errors.AlreadyExists);
  }
}

function existsPath(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * `Deno.test` for namespace tests: ignored (with one notice) where namespaces
 * are unavailable.
 *
 * @example
 * ```ts ignore
 * netnsTest("avahi answers", async () => { /* ... *\/ });
 * ```
 */
export function netnsTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name, ignore: netnsIgnored(), fn });
}
