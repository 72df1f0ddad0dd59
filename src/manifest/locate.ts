// Turns a JSON path into "file:line:column", so every manifest problem names where it is.
import { findNodeAtLocation, type Node } from "jsonc-parser";

export type JsonPath = (string | number)[];

export class Locator {
  private readonly lineStarts: number[] = [0];
  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly root: Node | undefined,
  ) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  /** "file:line:col" of an offset. */
  at(offset: number): string {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return `${this.file}:${lo + 1}:${offset - this.lineStarts[lo]! + 1}`;
  }

  /**
   * Location of the value at `path`, or of its key when `key` is set (an unknown or invalid
   * key); falls back to the nearest existing parent.
   */
  of(path: JsonPath, key = false): string {
    if (!this.root) return this.file;
    for (let n = path.length; n >= 0; n--) {
      const node = findNodeAtLocation(this.root, path.slice(0, n));
      if (!node) continue;
      if (key && n === path.length && node.parent?.type === "property") {
        return this.at(node.parent.children![0]!.offset);
      }
      return this.at(node.offset);
    }
    return this.file;
  }
}

/** `workers.api.dependsOn[0]` */
export function formatPath(path: JsonPath): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out || "(top level)";
}
