// transport/_reactor_mute.ts on a fake libc and /proc: which registration it
// trusts, and that it restores exactly what the runtime registered. (The real
// runtime's epoll: tests/netns/agents/inprocess_checks.ts.)
import assert from "node:assert/strict";
import { type MuteSymbols, ReactorMute } from "../../transport/_reactor_mute.ts";

const EVENTPOLL = "anon_inode:[eventpoll]";
const TOKIO_MASK = "8000201d"; // EPOLLET | EPOLLRDHUP | EPOLLPRI | EPOLLOUT | EPOLLIN, as mio registers

function fdinfo(lines: string[]): string {
  return `pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t17\n${lines.join("\n")}\n`;
}
const tfd = (fd: number, mask: string, data: string) =>
  `tfd: ${String(fd).padStart(8)} events: ${mask.padStart(8)} data: ${
    data.padStart(16)
  }  pos:0 ino:43cc sdev:9`;

/** A process whose descriptors are `links` (fd -> readlink text) and `infos` (fd -> fdinfo). */
function fakeLibc(links: Record<number, string>, infos: Record<number, string>) {
  const calls: { epfd: number; op: number; fd: number; event: number[] }[] = [];
  const open = new Map<number, { text: Uint8Array; at: number }>();
  let nextFd = 900;
  const text = (b: Uint8Array) => new TextDecoder().decode(b.subarray(0, b.indexOf(0)));
  const libc = {
    readlink: (path: Uint8Array, out: Uint8Array, _size: bigint) => {
      const fd = Number(/\/proc\/self\/fd\/(\d+)$/.exec(text(path))?.[1]);
      const target = links[fd];
      if (target === undefined) return -1;
      const bytes = new TextEncoder().encode(target);
      out.set(bytes);
      return bytes.length;
    },
    open: (path: Uint8Array, _flags: number) => {
      const fd = Number(/\/proc\/self\/fdinfo\/(\d+)$/.exec(text(path))?.[1]);
      if (infos[fd] === undefined) return -1;
      open.set(nextFd, { text: new TextEncoder().encode(infos[fd]), at: 0 });
      return nextFd++;
    },
    read: (fd: number, out: Uint8Array, size: bigint) => {
      const file = open.get(fd)!;
      const chunk = file.text.subarray(file.at, file.at + Math.min(Number(size), 7)); // short reads
      out.set(chunk);
      file.at += chunk.length;
      return chunk.length;
    },
    close: (fd: number) => open.delete(fd) ? 0 : -1,
    epoll_ctl: (epfd: number, op: number, fd: number, event: Uint8Array) => {
      calls.push({ epfd, op, fd, event: [...event] });
      return 0;
    },
  } as unknown as MuteSymbols;
  return { libc, calls, openFiles: () => open.size };
}

/** The `struct epoll_event` bytes for `mask` and `data` on this machine's layout. */
function eventBytes(mask: number, data: bigint): number[] {
  const packed = Deno.build.arch === "x86_64";
  const bytes = new Uint8Array(packed ? 12 : 16);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, mask, true);
  view.setBigUint64(packed ? 4 : 8, data, true);
  return [...bytes];
}

Deno.test("reactor mute: the runtime's registration, held under two descriptors, is removed and restored as it was", () => {
  const info = fdinfo([tfd(8, "80002019", "1"), tfd(21, TOKIO_MASK, "563a6af6b400")]);
  const { libc, calls, openFiles } = fakeLibc(
    { 0: "/dev/null", 3: EVENTPOLL, 5: EVENTPOLL, 21: "socket:[17356]" },
    { 3: info, 5: info },
  );
  const mute = new ReactorMute(libc).find(21);
  assert.ok(mute !== undefined);
  assert.equal(openFiles(), 0, "every fdinfo closed");
  assert.equal(mute.muted, false);
  assert.equal(mute.mute(), true);
  assert.equal(mute.mute(), true, "muting twice calls nothing");
  assert.equal(mute.unmute(), true);
  assert.equal(mute.muted, false);
  const event = eventBytes(0x8000201d, 0x563a6af6b400n);
  assert.deepEqual(calls, [
    { epfd: 3, op: 2, fd: 21, event }, // EPOLL_CTL_DEL
    { epfd: 3, op: 1, fd: 21, event }, // EPOLL_CTL_ADD, the runtime's mask and token
  ]);
});

Deno.test("reactor mute: no switch for a registration it could not restore or tell apart", () => {
  const cases: [string, Record<number, string>][] = [
    ["not registered", { 3: fdinfo([tfd(8, TOKIO_MASK, "1")]) }],
    ["level-triggered", { 3: fdinfo([tfd(21, "2019", "7")]) }],
    ["one-shot", { 3: fdinfo([tfd(21, "c000201d", "7")]) }],
    ["two epolls", {
      3: fdinfo([tfd(21, TOKIO_MASK, "7")]),
      5: fdinfo([tfd(21, TOKIO_MASK, "9")]),
    }],
  ];
  for (const [what, infos] of cases) {
    const { libc, calls } = fakeLibc({ 3: EVENTPOLL, 5: EVENTPOLL }, infos);
    assert.equal(new ReactorMute(libc).find(21), undefined, what);
    assert.deepEqual(calls, [], what);
  }
});

Deno.test("reactor mute: once closed, nothing is looked up and no switch reaches libc", () => {
  const info = fdinfo([tfd(21, TOKIO_MASK, "7")]);
  const { libc, calls } = fakeLibc({ 3: EVENTPOLL }, { 3: info });
  const reactor = new ReactorMute(libc);
  const mute = reactor.find(21)!;
  assert.equal(mute.mute(), true);
  reactor.close();
  assert.equal(mute.unmute(), false, "a closed library is not called");
  assert.equal(mute.muted, true);
  assert.equal(reactor.find(21), undefined);
  assert.equal(calls.length, 1);
});
