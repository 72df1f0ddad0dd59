// Files of many repositories on this machine read through a few `git cat-file --batch` processes
// instead of one each: objects are named by their content, so one process that lists several
// repositories' object folders as alternates (GIT_ALTERNATE_OBJECT_DIRECTORIES) reads any of
// them. Groups stay small because git looks an object up in each alternate in turn. Used for the
// local forge's bare repositories, which `fleet status` reads a few files of each.
import { delimiter, join } from "node:path";
import { CatFile } from "./cat-file.js";

/** Repositories per reader: few enough that a lookup through every alternate stays cheap. */
const GROUP = 12;

export class SharedObjectReader {
  private readonly groups: { dirs: string[]; reader?: CatFile }[] = [];

  /** `cwd`: any repository to run in (its own objects are read first). */
  constructor(private readonly cwd: string) {}

  /** Joins a bare repository (its git directory) and answers a reader of its objects: `<commit>:<path>` → the file's text. */
  add(gitDir: string): (object: string) => Promise<string | undefined> {
    let group = this.groups.at(-1);
    if (!group || group.dirs.length >= GROUP || group.reader) {
      group = { dirs: [] };
      this.groups.push(group);
    }
    group.dirs.push(quoted(join(gitDir, "objects")));
    const joined = group;
    return (object) => {
      joined.reader ??= new CatFile(this.cwd, { GIT_ALTERNATE_OBJECT_DIRECTORIES: joined.dirs.join(delimiter) });
      return joined.reader.text(object);
    };
  }

  /** Ends the readers started so far (a later read starts its group's again). */
  close(): void {
    for (const group of this.groups) {
      group.reader?.close();
      delete group.reader;
    }
  }
}

/** An entry of the alternates list; one holding the list's delimiter is C-quoted, as git reads it. */
function quoted(dir: string): string {
  return dir.includes(delimiter) || dir.startsWith('"') ? `"${dir.replace(/["\\]/g, (c) => `\\${c}`)}"` : dir;
}
