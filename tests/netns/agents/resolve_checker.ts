/**
 * A client that keeps checking a responder resolves: every `intervalMs` it
 * asks for `name` (SRV) by a legacy unicast query (ephemeral port, RFC 6762
 * §6.7, so the reply is unicast to it and nothing comes from a cache),
 * alternately to the IPv4 and the IPv6 address, and counts a check as passed
 * when an answer for the name with target `host` arrives within `timeoutMs`.
 * With `retryMs`, an unanswered query is sent once more after that long, as a
 * stub resolver retries (the first may be lost in a flooded socket buffer);
 * `retried` counts those.
 * Run inside a test namespace only:
 *
 *   ip netns exec NS deno run --allow-all resolve_checker.ts '{"v4":"198.18.1.1",
 *     "v6":"fd00:5353:1::1","name":"Den._mdt._tcp.local","host":"hard-a.local","intervalMs":500}'
 *
 * stdin: {"op":"stop"}. stdout: started, check (id, family, ok, ms), summary
 * (sent: queries sent, retries included; passed, failed, retried).
 *
 * @module
 */

import { decodeMessage, encodeMessage } from "../../../codec/mod.ts";
import { stdinCommands } from "./_commands.ts";

// deno-lint-ignore no-console
const emit = (message: Record<string, unknown>) => console.log(JSON.stringify(message));

const cfg = JSON.parse(Deno.args[0]) as {
  v4: string;
  v6: string;
  name: string;
  host: string;
  intervalMs?: number;
  timeoutMs?: number;
  retryMs?: number;
};
const SRV = 33;
const intervalMs = cfg.intervalMs ?? 500;
const timeoutMs = cfg.timeoutMs ?? 2000;
const sockets = {
  IPv4: Deno.listenDatagram({ transport: "udp", hostname: "0.0.0.0", port: 0 }),
  IPv6: Deno.listenDatagram({ transport: "udp", hostname: "::", port: 0 }),
};
const pending = new Map<
  number,
  {
    started: number;
    family: string;
    timer: ReturnType<typeof setTimeout>;
    retry?: ReturnType<typeof setTimeout>;
  }
>();
let sent = 0, passed = 0, failed = 0, retried = 0;

function answered(id: number, data: Uint8Array): void {
  const check = pending.get(id);
  if (check === undefined) return;
  if ((data[2] & 0x80) === 0) return; // a query, not the answer
  let ok = false;
  try {
    const message = decodeMessage(data);
    ok = message.answers.some((r) =>
      r.type === SRV && r.name.toLowerCase() === cfg.name.toLowerCase() &&
      (r.data as { target: string }).target.toLowerCase() === cfg.host.toLowerCase()
    );
  } catch {
    ok = false;
  }
  if (!ok) return; // not the answer; the timeout decides
  clearTimeout(check.timer);
  clearTimeout(check.retry);
  pending.delete(id);
  passed++;
  emit({ event: "check", id, family: check.family, ok, ms: performance.now() - check.started });
}

for (const socket of Object.values(sockets)) {
  (async () => {
    try {
      for (;;) {
        const [data] = await socket.receive();
        if (data.length >= 12) answered((data[0] << 8) | data[1], data);
      }
    } catch {
      // closed
    }
  })();
}

let nextId = 1;
async function check(): Promise<void> {
  const id = nextId++ & 0xffff;
  const family = id % 2 === 0 ? "IPv6" : "IPv4";
  const query = encodeMessage({
    id,
    flags: 0,
    questions: [{ name: cfg.name, type: SRV, class: 1, unicastResponse: false }],
    answers: [],
    authorities: [],
    additionals: [],
  });
  const started = performance.now();
  const timer = setTimeout(() => {
    clearTimeout(retry);
    pending.delete(id);
    failed++;
    emit({ event: "check", id, family, ok: false, ms: timeoutMs });
  }, timeoutMs);
  const hostname = family === "IPv4" ? cfg.v4 : cfg.v6;
  const send = async () => {
    await sockets[family].send(query, { transport: "udp", hostname, port: 5353 });
    sent++;
  };
  const retry = cfg.retryMs === undefined ? undefined : setTimeout(() => {
    if (!pending.has(id)) return;
    retried++;
    void send();
  }, cfg.retryMs);
  pending.set(id, { started, family, timer, retry });
  await send();
}

emit({ event: "started" });
const ticker = setInterval(() => void check(), intervalMs);
async function stop(): Promise<void> {
  clearInterval(ticker);
  // Let the last checks finish or time out.
  while (pending.size > 0) await new Promise((r) => setTimeout(r, 50));
  for (const socket of Object.values(sockets)) socket.close();
  emit({ event: "summary", sent, passed, failed, retried });
  Deno.exit(0);
}
for await (const cmd of stdinCommands()) if (cmd.op === "stop") await stop();
await stop();
