// Duplicate question suppression's memory (RFC 6762 §7.3, querier/_observations.ts):
// a question heard again is updated in place (issue 16 item 2: re-adding the
// key per query grew RSS under a flood), so the latest Known Answers and time
// must still be what counts, and nothing stale may count, pruned or not.
import assert from "node:assert/strict";
import { QuestionHistory } from "../../querier/_observations.ts";

const ptr = (known: string[]) => ({
  name: "_http._tcp.local",
  type: 12,
  unicast: false,
  known: new Set(known),
});

Deno.test("question history: the latest asking of a question counts, its time and Known Answers", () => {
  const history = new QuestionHistory();
  history.heard("eth0", ptr(["a"]), 0);
  history.heard("eth0", { ...ptr([]), name: "_ipp._tcp.local" }, 100);
  history.heard("eth0", ptr(["b"]), 900);
  assert.deepEqual([...history.recent("eth0", "_http._tcp.local", 12, 1500)!], ["b"]);
  assert.equal(history.suppresses("eth0", "_http._tcp.local", 12, new Set(["b"]), 1800), true);
  assert.equal(history.suppresses("eth0", "_http._tcp.local", 12, new Set(["a"]), 1800), false);
  assert.equal(history.recent("eth0", "_http._tcp.local", 12, 1901), undefined);
  // A stale entry that waits behind one asked again (prune stops at the
  // first recent entry) is never taken as recent: recent() reads the time.
  history.heard("eth0", ptr([]), 5000);
  history.prune(5500);
  assert.equal(history.recent("eth0", "_ipp._tcp.local", 12, 5500), undefined);
  history.prune(7000);
  assert.equal(history.recent("eth0", "_http._tcp.local", 12, 7000), undefined);
  history.heard("eth0", ptr(["c"]), 8000);
  assert.deepEqual([...history.recent("eth0", "_http._tcp.local", 12, 8100)!], ["c"]);
});
