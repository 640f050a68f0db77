/**
 * The libc functions the FFI hatch loads, in one table: `_ffi_sockopt.ts`
 * opens the library with it, and the datagram path (`_ffi_datagrams.ts`) and
 * the interface notices (`_ffi_netlink.ts`) take the symbols they use by type.
 * A file of its own so those two need not import the hatch that builds them.
 *
 * @module
 */

/** The symbol table given to `Deno.dlopen` (signatures as on Linux x86_64 and aarch64). */
export const LIBC_SYMBOLS = {
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  fcntl: { parameters: ["i32", "i32"], result: "i32" },
  if_nametoindex: { parameters: ["buffer"], result: "u32" },
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
  // The datagram path (`_ffi_datagrams.ts`).
  recvmmsg: { parameters: ["i32", "buffer", "u32", "i32", "pointer"], result: "i32" },
  sendto: { parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"], result: "i32" },
  strerror: { parameters: ["i32"], result: "pointer" },
  // Interface change notices (`_ffi_netlink.ts`).
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "i32" },
  pipe2: { parameters: ["buffer", "i32"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "i32" },
  // Takes a paced socket out of Deno's epoll (`_reactor_mute.ts`).
  open: { parameters: ["buffer", "i32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  readlink: { parameters: ["buffer", "buffer", "usize"], result: "isize" },
  epoll_ctl: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  // Gives malloc's free pages back after a burst (`_malloc_trim.ts`); glibc only, so optional.
  malloc_trim: { parameters: ["usize"], result: "i32", optional: true },
  // Blocks one of Deno's blocking threads, never the event loop.
  poll: { parameters: ["buffer", "usize", "i32"], result: "i32", nonblocking: true },
} as const;

/** The libc functions the hatch loads. */
export type Libc = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>["symbols"];
