// deno-lint-ignore-file no-console -- this file prints for a person, as only cli/, bench/ and tests may
/**
 * Prints DNS packets the way `dig` does, for looking at captures:
 *
 *   deno run --allow-read cli/decode.ts FILE...
 *
 * Each FILE holds one raw DNS message (for example a payload saved from a
 * capture). A malformed packet prints the offset and reason and sets exit code 1.
 */
import { decodeMessage, type DnsMessage, DnsParseError, MessageFlags } from "../codec/mod.ts";
import { questionLine, recordLine } from "./format.ts";

/** Renders a message in dig's layout. */
export function formatMessage(m: DnsMessage): string {
  const flags = [
    m.flags & MessageFlags.RESPONSE ? "qr" : "",
    m.flags & MessageFlags.AUTHORITATIVE ? "aa" : "",
    m.flags & MessageFlags.TRUNCATED ? "tc" : "",
  ].filter(Boolean).join(" ");
  const lines = [
    `;; opcode: ${(m.flags >> 11) & 0xf}, rcode: ${m.flags & 0xf}, id: ${m.id}`,
    `;; flags: ${flags}; QUERY: ${m.questions.length}, ANSWER: ${m.answers.length}, ` +
    `AUTHORITY: ${m.authorities.length}, ADDITIONAL: ${m.additionals.length}`,
  ];
  const section = (title: string, rows: string[]) => {
    if (rows.length) lines.push("", `;; ${title} SECTION:`, ...rows);
  };
  section("QUESTION", m.questions.map(questionLine));
  section("ANSWER", m.answers.map(recordLine));
  section("AUTHORITY", m.authorities.map(recordLine));
  section("ADDITIONAL", m.additionals.map(recordLine));
  return lines.join("\n");
}

/** Prints each file's packet; returns the exit code (1 if any was malformed or missing). */
export function decodeFiles(files: string[]): number {
  if (files.length === 0) {
    console.error("usage: decode FILE...");
    return 2;
  }
  let status = 0;
  for (const file of files) {
    if (files.length > 1) console.log(`\n;; ${file}`);
    try {
      console.log(formatMessage(decodeMessage(Deno.readFileSync(file))));
    } catch (e) {
      if (!(e instanceof DnsParseError) && !(e instanceof Deno.errors.NotFound)) throw e;
      console.error(`${file}: ${e.message}`);
      status = 1;
    }
  }
  return status;
}

if (import.meta.main) Deno.exit(decodeFiles(Deno.args));
