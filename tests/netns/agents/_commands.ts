/**
 * The command channel of the namespace agents: one JSON object per line on
 * stdin, as the test driving the agent writes them.
 *
 * @module
 */

/** A command sent to an agent: `op` and whatever the op needs. */
// deno-lint-ignore no-explicit-any
export type AgentCommand = { op: string; [field: string]: any };

/**
 * Yields the commands read from stdin, one per non-empty line, until stdin
 * closes.
 *
 * @example
 * ```ts ignore
 * import { stdinCommands } from "./_commands.ts";
 * for await (const cmd of stdinCommands()) if (cmd.op === "close") break;
 * ```
 */
export async function* stdinCommands(): AsyncGenerator<AgentCommand> {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of Deno.stdin.readable) {
    rest += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = rest.indexOf("\n")) >= 0) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      if (line.trim() !== "") yield JSON.parse(line);
    }
  }
}
