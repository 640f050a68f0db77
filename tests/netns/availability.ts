/**
 * Whether namespace tests can run here, and running commands.
 *
 * @module
 */

const IP_PATHS = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"];
let availability: string | undefined | null = null;

/**
 * Why namespace tests cannot run here, or undefined when they can (root, `ip`
 * present, and `ip netns add` works).
 *
 * @example
 * ```ts ignore
 * import { netnsUnavailableReason } from "./lab.ts";
 * console.log(netnsUnavailableReason() ?? "namespaces available");
 * ```
 */
export function netnsUnavailableReason(): string | undefined {
  if (availability !== null) return availability;
  availability = probe();
  return availability;
}

function probe(): string | undefined {
  if (Deno.build.os !== "linux") return "network namespaces need Linux";
  try {
    if (Deno.uid() !== 0) return "network namespaces need root";
  } catch {
    return "cannot read the user id (run with --allow-sys)";
  }
  if (!IP_PATHS.some((p) => exists(p))) return "the `ip` command (iproute2) is not installed";
  const name = `mdt-${Deno.pid}-probe${Math.floor(Math.random() * 1e6)}`;
  const add = runSync(["netns", "add", name]);
  if (!add.success) return `cannot create a network namespace: ${add.stderr.trim()}`;
  runSync(["netns", "del", name]);
  return undefined;
}

/**
 * Whether namespace tests can run here.
 *
 * @example
 * ```ts ignore
 * import { isNetnsAvailable } from "./lab.ts";
 * Deno.test({ name: "x", ignore: !isNetnsAvailable(), fn() {} });
 * ```
 */
export function isNetnsAvailable(): boolean {
  return netnsUnavailableReason() === undefined;
}

/** Whether a path exists. */
export function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Runs `ip ...args` synchronously (for probes and last-resort teardown). */
export function runSync(args: string[]): { success: boolean; stdout: string; stderr: string } {
  try {
    const out = new Deno.Command("ip", { args, stdout: "piped", stderr: "piped" }).outputSync();
    const d = new TextDecoder();
    return { success: out.success, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
  } catch (error) {
    return { success: false, stdout: "", stderr: String(error) };
  }
}

/** Output of a finished command. */
export interface CommandResult {
  /** Exit code. */
  readonly code: number;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
}

/**
 * Runs a command to completion (outside any namespace unless wrapped).
 *
 * @throws {Error} When it exits non-zero and `allowFailure` is not set.
 *
 * @example
 * ```ts ignore
 * import { run } from "./lab.ts";
 * console.log((await run(["ip", "-V"])).stdout);
 * ```
 */
export async function run(
  cmd: readonly string[],
  options: { allowFailure?: boolean; env?: Record<string, string> } = {},
): Promise<CommandResult> {
  const out = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: options.env,
  }).output();
  const d = new TextDecoder();
  const result = { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
  if (!out.success && !options.allowFailure) {
    throw new Error(`Command failed (${out.code}): ${cmd.join(" ")}: ${result.stderr.trim()}`);
  }
  return result;
}

/**
 * Whether process `pid` is running (the creator of a lab, before its
 * namespaces are swept as stale). Asks `kill -0` rather than /proc: under
 * `--allow-all --deny-net` (the test task) Deno refuses every /proc read, and
 * "cannot tell" must never read as "gone". Only a definite "no such process"
 * is false.
 *
 * @example
 * ```ts ignore
 * import { processAlive } from "./availability.ts";
 * console.log(processAlive(Deno.pid)); // true
 * ```
 */
export function processAlive(pid: number): boolean {
  try {
    const out = new Deno.Command("kill", { args: ["-0", String(pid)], stderr: "piped" })
      .outputSync();
    return out.success || !/no such process/i.test(new TextDecoder().decode(out.stderr));
  } catch {
    return true; // no `kill` to ask: never sweep what we cannot prove stale
  }
}
