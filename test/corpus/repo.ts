// A corpus monorepo on disk: its files written and committed in one commit with a fixed
// identity and date, so runs are deterministic and split/sync have a history to read.
import { git } from "../../src/git/git.js";
import { writeFiles } from "../helpers/fixture.js";
import { tempDir } from "../helpers/tmp.js";

const WHEN = "1767225600 +0000"; // 2026-01-01
const IDENTITY = { GIT_AUTHOR_NAME: "Corpus", GIT_AUTHOR_EMAIL: "corpus@example.com", GIT_COMMITTER_NAME: "Corpus", GIT_COMMITTER_EMAIL: "corpus@example.com", GIT_AUTHOR_DATE: WHEN, GIT_COMMITTER_DATE: WHEN };

export async function corpusRepo(files: Record<string, string>, prefix = "fleet-corpus-"): Promise<string> {
  const dir = await tempDir(prefix);
  await git(["init", "-q", "-b", "main"], { cwd: dir });
  await writeFiles(dir, files);
  await git(["add", "-A"], { cwd: dir });
  await git(["commit", "-q", "-m", "The monorepo as found"], { cwd: dir, env: IDENTITY });
  return dir;
}
