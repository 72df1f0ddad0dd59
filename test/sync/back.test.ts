// A hotfix made in a worker repository while the monorepo is still the source of truth, in both
// layouts of the example: sync refuses and names `fleet sync --back`; --back makes fleet/back/<id>
// in the monorepo with the commit (author, date, message, the path mapped back, the trailer), the
// scaffold's files left out; once merged, sync goes on and the repository holds the fix once; later
// syncs and monorepo commits go on as before. A change that does not apply is refused, writing nothing.
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateExample } from "../../src/example/index.js";
import { git, gitText } from "../../src/git/git.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";

const FIXER = {
  GIT_AUTHOR_NAME: "Hot Fixer",
  GIT_AUTHOR_EMAIL: "fixer@chitty.cc",
  GIT_AUTHOR_DATE: "1767225600 +0100",
  GIT_COMMITTER_NAME: "Hot Fixer",
  GIT_COMMITTER_EMAIL: "fixer@chitty.cc",
  GIT_COMMITTER_DATE: "1767225600 +0100",
};
const SUBJECT = "fix: answer an empty body with 400";

interface Layout {
  layout: "router" | "directories";
  /** Where the worker's file lives in the monorepo, from its path in the worker repository. */
  inMonorepo: (path: string, id: string, dir: string) => Promise<string>;
}

const LAYOUTS: Layout[] = [
  { layout: "router", inMonorepo: async (path) => path },
  {
    layout: "directories",
    inMonorepo: async (path, id, dir) => {
      const manifest = JSON.parse((await readFile(join(dir, "fleet.jsonc"), "utf8")).replace(/^\s*\/\/.*$/gm, "")) as {
        workers: Record<string, { source?: { dir?: string } }>;
      };
      return `${manifest.workers[id]!.source!.dir}/${path}`;
    },
  },
];

async function fleet(dir: string, ...args: string[]) {
  return runFleet([...args, "--cwd", dir]);
}

/** What fleet status says of a worker's commits waiting to come back, and its next action. */
async function backOf(dir: string, id: string): Promise<{ back: unknown; next: string | undefined }> {
  const run = await fleet(dir, "status", id, "--json");
  const worker = (JSON.parse(run.stdout) as { workers: { back: unknown; next: { command: string } | null }[] }).workers[0]!;
  return { back: worker.back, next: worker.next?.command };
}

describe.each(LAYOUTS)("fleet sync --back, $layout layout", ({ layout, inMonorepo }) => {
  let dir: string;
  let id: string;
  let repository: string;
  let file: string;
  let clone: string;
  beforeAll(async () => {
    dir = join(await tempDir(`fleet-back-${layout}-`), "mono");
    await generateExample(dir, { layout, commits: 30 });
    expect((await fleet(dir, "init")).code).toBe(0);
    const manifest = JSON.parse((await fleet(dir, "plan", "--json")).stdout) as { workers: { id: string; external?: boolean }[] };
    id = manifest.workers.find((w) => !w.external && /^[a-z]/.test(w.id))!.id;
    for (const args of [
      ["create", id],
      ["sync", id],
    ]) {
      const run = await fleet(dir, ...args);
      if (run.code !== 0) throw new Error(`fleet ${args.join(" ")}: ${run.stderr}`);
    }
    repository = join(dir, ".fleet", "forge", "chittyos", `chittyos-${id}-worker.git`);
    // a file of the worker's own code (one the split holds)
    const splitFiles = (await gitText(["ls-tree", "-r", "--name-only", `refs/fleet/split/${id}`], { cwd: dir })).split("\n");
    file = splitFiles.find((p) => /\.(js|ts)$/.test(p) && !p.includes("test"))!;
    clone = join(await tempDir("fleet-back-clone-"), "worker");
    await git(["clone", "-q", repository, clone], { cwd: dir });
  });

  it("refuses the hotfix at sync, naming --back; --back brings it to fleet/back/<worker> as the fixer made it", async () => {
    await appendFile(join(clone, file), "// hotfix: an empty body answers 400\n");
    const helper = file.replace(/\.(js|ts)$/, "-guard.$1");
    await writeFile(join(clone, helper), "export const guard = true;\n");
    await git(["add", helper], { cwd: clone });
    await appendFile(join(clone, "README.md"), "\nHotfix notes.\n");
    // the router layout's generated entry sits beside the worker's code, but it is fleet's scaffold: it stays
    const entry = layout === "router" ? "src/index.js" : undefined;
    if (entry) await writeFile(join(clone, entry), `${await readFile(join(clone, entry), "utf8")}// logged by the hotfix\n`);
    await git(["commit", "-qam", `${SUBJECT}\n\nThe worker answered 500.`], { cwd: clone, env: FIXER });
    await git(["push", "-q", "origin", "main"], { cwd: clone });
    const fix = await gitText(["rev-parse", "HEAD"], { cwd: clone });

    const refused = await fleet(dir, "sync", id);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`fleet sync --back ${id}`);
    expect(refused.stdout).toContain(file);

    // fleet status counts it as waiting to come back, and says how
    expect(await backOf(dir, id)).toEqual({ back: { waiting: 1, commits: [fix] }, next: `fleet sync --back ${id}` });

    const dry = await fleet(dir, "sync", "--back", id, "--dry-run", "--json");
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ status: "dry-run", branch: `fleet/back/${id}` });
    expect((await git(["rev-parse", "-q", "--verify", `refs/heads/fleet/back/${id}`], { cwd: dir, okCodes: [1] })).code).toBe(1);

    const back = await fleet(dir, "sync", "--back", id);
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/comes back/);
    expect(back.stdout).toContain("README.md (stays");
    if (layout === "router") expect(back.stdout).toContain("src/index.js (stays");
    const copy = `fleet/back/${id}`;
    const mapped = await inMonorepo(file, id, dir);
    expect(await gitText(["log", "-1", "--format=%an|%ae|%ad|%s", "--date=raw", copy], { cwd: dir })).toBe(
      `Hot Fixer|fixer@chitty.cc|1767225600 +0100|${SUBJECT}`,
    );
    const body = await gitText(["log", "-1", "--format=%B", copy], { cwd: dir });
    expect(body).toContain("The worker answered 500.");
    expect(body).toContain(`Fleet-Back: chittyos/chittyos-${id}-worker@${fix}`);
    // the new module beside the worker's code comes back too, beside the file it sits next to
    expect((await gitText(["diff", "--name-only", `${copy}^`, copy], { cwd: dir })).split("\n").sort()).toEqual(
      [mapped, await inMonorepo(helper, id, dir)].sort(),
    );
    expect(await gitText(["show", `${copy}:${mapped}`], { cwd: dir })).toContain("hotfix: an empty body answers 400");
    expect(await gitText(["rev-parse", `${copy}^`], { cwd: dir })).toBe(await gitText(["rev-parse", "HEAD"], { cwd: dir }));

    // the same again: the same commit, nothing moved
    const tip = await gitText(["rev-parse", copy], { cwd: dir });
    const again = await fleet(dir, "sync", "--back", id, "--json");
    expect(JSON.parse(again.stdout)).toMatchObject({ status: "unchanged", tip });
  });

  it("once the branch is merged, sync goes on and the repository holds the fix once; again, nothing changes", async () => {
    await git(["merge", "-q", "--no-ff", "--no-edit", `fleet/back/${id}`], { cwd: dir, env: FIXER });
    const synced = await fleet(dir, "sync", id);
    expect(synced.code).toBe(0);
    expect(synced.stdout).toMatch(new RegExp(`${id} +merged`));
    const subjects = (await gitText(["log", "--format=%s", "main"], { cwd: repository })).split("\n");
    expect(subjects.filter((s) => s === SUBJECT)).toHaveLength(1);
    expect((await gitText(["log", "--format=%B", "main"], { cwd: repository })).split(SUBJECT)).toHaveLength(2);
    // nor the monorepo's merge of the back branch, which brought nothing else
    expect(subjects.filter((s) => s.includes(`fleet/back/${id}`))).toEqual([]);
    expect(await gitText(["show", `main:${file}`], { cwd: repository })).toContain("hotfix: an empty body answers 400");
    expect(await gitText(["show", "main:README.md"], { cwd: repository })).toContain("Hotfix notes.");
    const tip = await gitText(["rev-parse", "main"], { cwd: repository });

    const again = await fleet(dir, "sync", id);
    expect(again.code).toBe(0);
    expect(await gitText(["rev-parse", "main"], { cwd: repository })).toBe(tip);
    // the whole fleet: the other workers have no repository (created here is only this one); this one is up to date
    const all = await fleet(dir, "sync", "--all", "--json");
    expect((JSON.parse(all.stdout) as { workers: { id: string; status: string }[] }).workers.find((w) => w.id === id)).toMatchObject({ status: "up-to-date" });
    expect(await gitText(["rev-parse", "main"], { cwd: repository })).toBe(tip);
    const nothing = await fleet(dir, "sync", "--back", id, "--json");
    expect(JSON.parse(nothing.stdout)).toMatchObject({ status: "nothing", tip: null });
    expect((await backOf(dir, id)).back).toEqual({ waiting: 0, commits: [] });
  });

  it("a later monorepo commit syncs as usual, the fix still once", async () => {
    const mapped = await inMonorepo(file, id, dir);
    await appendFile(join(dir, mapped), "// later: the monorepo's own change\n");
    await git(["commit", "-qam", "chore: a later change in the monorepo"], { cwd: dir, env: FIXER });
    const synced = await fleet(dir, "sync", id);
    expect(synced.code).toBe(0);
    expect(synced.stdout).toMatch(new RegExp(`${id} +merged +[0-9a-f]{12} +1 new commit`));
    const subjects = (await gitText(["log", "--format=%s", "main"], { cwd: repository })).split("\n");
    expect(subjects.filter((s) => s === SUBJECT)).toHaveLength(1);
    expect(subjects.filter((s) => s === "chore: a later change in the monorepo")).toHaveLength(1);
    const text = await gitText(["show", `main:${file}`], { cwd: repository });
    expect(text).toContain("hotfix: an empty body answers 400");
    expect(text).toContain("later: the monorepo's own change");
    // the later commit's own diff is its change alone (it sits on the repository's history, not the copy's)
    const later = await gitText(["log", "-1", "--format=%H", "--grep=^chore: a later change", "main"], { cwd: repository });
    expect(await gitText(["diff", "--stat", `${later}^`, later], { cwd: repository })).toMatch(/1 file changed, 1 insertion/);
  });

  it("a release's version bump is the repository's own: sync neither refuses it nor undoes it, --back leaves it", async () => {
    await git(["pull", "-q", "--no-rebase", "origin", "main"], { cwd: clone, env: FIXER });
    const pkg = JSON.parse(await readFile(join(clone, "package.json"), "utf8")) as { version: string };
    await writeFile(
      join(clone, "package.json"),
      (await readFile(join(clone, "package.json"), "utf8")).replace(`"version": "${pkg.version}"`, '"version": "1.1.0"'),
    );
    await git(["commit", "-qam", "chore(main): release 1.1.0"], { cwd: clone, env: FIXER });
    await git(["push", "-q", "origin", "main"], { cwd: clone });
    const mapped = await inMonorepo(file, id, dir);
    await appendFile(join(dir, mapped), "// after the release\n");
    await git(["commit", "-qam", "feat: after the release"], { cwd: dir, env: FIXER });

    const synced = await fleet(dir, "sync", id);
    expect(synced.code).toBe(0);
    expect((JSON.parse(await gitText(["show", "main:package.json"], { cwd: repository })) as { version: string }).version).toBe("1.1.0");
    expect(await gitText(["show", `main:${file}`], { cwd: repository })).toContain("after the release");
    const back = await fleet(dir, "sync", "--back", id, "--json");
    expect(JSON.parse(back.stdout)).toMatchObject({ status: "nothing", tip: null });
  });

  it("refuses a hotfix that does not apply to the monorepo as it is, naming the file, writing nothing", async () => {
    await git(["pull", "-q", "--no-rebase", "origin", "main"], { cwd: clone, env: FIXER });
    const text = await readFile(join(clone, file), "utf8");
    await writeFile(join(clone, file), text.replace("// later: the monorepo's own change\n", "// later: changed in the worker repository\n"));
    await git(["commit", "-qam", "fix: the worker's wording"], { cwd: clone, env: FIXER });
    await git(["push", "-q", "origin", "main"], { cwd: clone });
    const mapped = await inMonorepo(file, id, dir);
    const monorepoText = await readFile(join(dir, mapped), "utf8");
    await writeFile(join(dir, mapped), monorepoText.replace("// later: the monorepo's own change\n", "// later: changed in the monorepo again\n"));
    await git(["commit", "-qam", "fix: the monorepo's wording"], { cwd: dir, env: FIXER });
    const before = (await git(["for-each-ref", "refs/heads/"], { cwd: dir })).stdout;

    const refused = await fleet(dir, "sync", "--back", id);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("nothing was written");
    expect(refused.stderr).toContain(mapped);
    expect((await git(["for-each-ref", "refs/heads/"], { cwd: dir })).stdout).toBe(before);
  });
});
