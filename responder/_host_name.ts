/**
 * The default host name: the machine's name made one DNS label, plus `.local`
 * (read lazily, when something is first published).
 *
 * @module
 */

import { sanitizeHostLabel } from "./_renamer.ts";

/**
 * `Deno.hostname()` as one label + `.local`; `deno.local` when the name cannot
 * be read (no `--allow-sys=hostname`).
 */
export function defaultHostName(): string {
  let name = "";
  try {
    name = Deno.hostname();
  } catch {
    // Without the permission the stack still works under a neutral name.
  }
  return `${sanitizeHostLabel(name)}.local`;
}
