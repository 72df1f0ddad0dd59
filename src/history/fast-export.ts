// Reads `git fast-export --no-data` as a stream of commits. Messages and identity lines stay
// raw bytes, because a split must reproduce them byte for byte.
import { unquotePath } from "./quoting.js";

export type FileChange = { type: "M"; mode: string; id: string; path: string } | { type: "D"; path: string } | { type: "deleteall" };

export interface ExportedCommit {
  mark: string;
  /** The commit's id in the monorepo. */
  id: string;
  /** Raw `author …` and `committer …` lines without the keyword, exactly as in the object. */
  author: Buffer;
  committer: Buffer;
  encoding?: Buffer;
  message: Buffer;
  /** Parents in order: marks (":12") of exported commits or ids of excluded ones. */
  parents: string[];
  /** Changes against the first parent (for a root: against the empty tree). */
  changes: FileChange[];
}

const NL = 10;

// Paths and modes repeat across a long history: one string each.
const interned = new Map<string, string>();
function internString(s: string): string {
  let found = interned.get(s);
  if (found === undefined) {
    interned.set(s, s);
    found = s;
  }
  return found;
}
function internPath(raw: string): string {
  return internString(unquotePath(raw));
}

/**
 * A push parser: feed it chunks, take complete commits out. Anything but commits (reset, tag,
 * feature, done) is skipped; fleet reads one branch.
 */
export class FastExportParser {
  private buffer: Buffer = Buffer.alloc(0);

  /** Adds a chunk and returns the commits it completed. */
  push(chunk: Buffer): ExportedCommit[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const out: ExportedCommit[] = [];
    let offset = 0;
    for (;;) {
      const parsed = parseCommand(this.buffer, offset);
      if (!parsed) break;
      offset = parsed.next;
      if (parsed.commit) out.push(parsed.commit);
    }
    this.buffer = this.buffer.subarray(offset);
    return out;
  }

  /** Call at the end; throws if the stream stopped inside a command. */
  end(): void {
    if (this.buffer.length && this.buffer.toString("latin1").trim() !== "") {
      throw new Error(`fast-export stream ended inside a command: ${this.buffer.subarray(0, 80).toString("utf8")}`);
    }
  }
}

function lineAt(buf: Buffer, offset: number): { line: string; raw: Buffer; next: number } | undefined {
  const end = buf.indexOf(NL, offset);
  if (end < 0) return undefined;
  const raw = buf.subarray(offset, end);
  return { line: raw.toString("utf8"), raw, next: end + 1 };
}

/** One command from `offset`, or undefined when the buffer does not hold all of it yet. */
function parseCommand(buf: Buffer, offset: number): { commit?: ExportedCommit; next: number } | undefined {
  const first = lineAt(buf, offset);
  if (!first) return undefined;
  if (!first.line.startsWith("commit ")) {
    // blank separators, feature, reset (with an optional from line), done, progress
    if (first.line.startsWith("reset ")) {
      const from = lineAt(buf, first.next);
      if (!from) return undefined;
      return { next: from.line.startsWith("from ") ? from.next : first.next };
    }
    if (first.line.startsWith("tag ")) return skipTag(buf, first.next);
    return { next: first.next };
  }
  let pos = first.next;
  const commit: Partial<ExportedCommit> & { parents: string[]; changes: FileChange[] } = { parents: [], changes: [] };
  for (;;) {
    const l = lineAt(buf, pos);
    if (!l) return undefined;
    pos = l.next;
    const { line } = l;
    if (line.startsWith("mark ")) commit.mark = line.slice(5);
    else if (line.startsWith("original-oid ")) commit.id = line.slice(13);
    else if (line.startsWith("author ")) commit.author = l.raw.subarray(7);
    else if (line.startsWith("committer ")) commit.committer = l.raw.subarray(10);
    else if (line.startsWith("encoding ")) commit.encoding = l.raw.subarray(9);
    else if (line.startsWith("data ")) {
      const size = Number(line.slice(5));
      if (pos + size > buf.length) return undefined;
      commit.message = buf.subarray(pos, pos + size);
      // No LF follows a message that lacks one: fast-export writes `from` right after it.
      pos += size;
    } else if (line.startsWith("from ")) commit.parents.unshift(line.slice(5));
    else if (line.startsWith("merge ")) commit.parents.push(line.slice(6));
    else if (line.startsWith("M ")) {
      // Strings made from the bytes, not slices of the line: a slice would keep the whole line
      // alive as long as a split tree refers to the change.
      const firstSpace = l.raw.indexOf(32, 2);
      const secondSpace = l.raw.indexOf(32, firstSpace + 1);
      commit.changes.push({
        type: "M",
        mode: internString(l.raw.toString("latin1", 2, firstSpace)),
        id: l.raw.toString("latin1", firstSpace + 1, secondSpace),
        path: internPath(l.raw.toString("utf8", secondSpace + 1)),
      });
    } else if (line.startsWith("D ")) commit.changes.push({ type: "D", path: internPath(l.raw.toString("utf8", 2)) });
    else if (line === "deleteall") commit.changes.push({ type: "deleteall" });
    else if (line === "") break;
    else if (line.startsWith("gpgsig ")) continue;
    else throw new Error(`unexpected line in fast-export commit: ${line.slice(0, 80)}`);
  }
  if (!commit.mark || !commit.id || !commit.author || !commit.committer || !commit.message) {
    throw new Error("fast-export commit without mark, original-oid, author, committer or data (run with --show-original-ids)");
  }
  return { commit: commit as ExportedCommit, next: pos };
}

function skipTag(buf: Buffer, offset: number): { next: number } | undefined {
  let pos = offset;
  for (;;) {
    const l = lineAt(buf, pos);
    if (!l) return undefined;
    pos = l.next;
    if (l.line.startsWith("data ")) {
      const size = Number(l.line.slice(5));
      if (pos + size > buf.length) return undefined;
      return { next: pos + size };
    }
  }
}
