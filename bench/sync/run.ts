// What sync costs against what it has to do, on synthetic monorepos of 36 and 300 workers:
// - `fleet sync --all` after a commit touching one worker, against `fleet sync <that worker>`
//   after the same kind of commit (interleaved: each run syncs one new commit of svc-001);
// - the first `fleet sync --all` into freshly created repositories, against a shell loop of
//   `git push` of the same split refs into empty bare repositories (the anchor: the pushes alone);
// - `fleet create --all` on the local forge, against a shell loop of `git init --bare` and
//   `git push` of the same scaffold commits (the repositories alone, without topics, environments,
//   secrets, lockfiles or the checks fleet makes).
// Run: npm run build && node bench/sync/run.ts [--workers 36,300] [--commits 5000] [--runs 3]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { compare, report } from "../lib/measure.ts";
import { generateSynthetic, serviceId } from "../scale/synthetic.ts";

const { values } = parseArgs({ options: { workers: { type: "string", default: "36,300" }, commits: { type: "string", default: "5000" }, runs: { type: "string", default: "3" } } });
const BIN = new URL("../../bin/fleet.js", import.meta.url).pathname;
if (!existsSync(new URL("../../dist/cli/main.js", import.meta.url))) throw new Error("build first: npm run build");
const ENV = { GIT_AUTHOR_NAME: "Bench", GIT_AUTHOR_EMAIL: "b@chitty.cc", GIT_COMMITTER_NAME: "Bench", GIT_COMMITTER_EMAIL: "b@chitty.cc", CI: "1", NO_COLOR: "1" };
const work = mkdtempSync(join(tmpdir(), "fleet-bench-sync-"));
const runs = Number(values.runs);
const fleet = (cwd: string, ...args: string[]) => [process.execPath, BIN, ...args, "--cwd", cwd];
function sh(cwd: string, command: string[]): string {
  const r = spawnSync(command[0]!, command.slice(1), { cwd, encoding: "utf8", env: { ...process.env, ...ENV }, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${command.join(" ")} failed: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

console.log(`# bench/sync — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${runs} runs each (median)\n`);
for (const workers of values.workers.split(",").map(Number)) {
  const commits = Number(values.commits);
  const dir = join(work, `m-${workers}`);
  process.stderr.write(`${workers} workers, ${commits} commits: generating, create --all…\n`);
  generateSynthetic(dir, workers, commits);
  sh(dir, ["sh", "-c", "echo .fleet/ >> .git/info/exclude"]);
  sh(dir, fleet(dir, "init", "--org", "chittyos"));
  const forgeRoot = join(dir, ".fleet", "forge");
  const createAnchor = join(work, `created-${workers}`);
  const initLoop = ["sh", "-c", `rm -rf ${createAnchor} && mkdir ${createAnchor} && for r in ${forgeRoot}/chittyos/*.git; do n=$(basename $r); git init -q --bare ${createAnchor}/$n && git -C $r push -q ${createAnchor}/$n main || exit 1; done`];
  sh(dir, fleet(dir, "create", "--all"));
  const created = compare(
    [
      { name: `git init --bare and git push of each scaffold commit, a shell loop (${workers} repositories)`, command: initLoop, cwd: dir },
      { name: `fleet create --all (${workers} repositories)`, command: fleet(dir, "create", "--all"), cwd: dir, env: ENV, prepare: () => rmSync(forgeRoot, { recursive: true, force: true }) },
    ],
    runs,
    1,
  );
  console.log(`## ${workers} workers: create\n\n${report(created)}\n`);
  rmSync(createAnchor, { recursive: true, force: true });
  sh(dir, fleet(dir, "split", "--all"));
  const ids = sh(dir, ["git", "for-each-ref", "--format=%(refname:lstrip=3)", "refs/fleet/split/"]).split("\n").filter(Boolean);
  const forge = join(dir, ".fleet", "forge", "chittyos");
  const scaffolds = new Map(ids.map((id) => [id, sh(forge, ["git", "-C", `chittyos-${id}-worker.git`, "rev-parse", "main"]).trim()]));
  const anchorRoot = join(work, `pushes-${workers}`);
  // the first sync: every repository back to its scaffold commit, fleet's remembered state dropped
  const resetRepositories = () => {
    for (const [id, scaffold] of scaffolds) sh(forge, ["git", "-C", `chittyos-${id}-worker.git`, "update-ref", "refs/heads/main", scaffold]);
    sh(dir, ["sh", "-c", "git for-each-ref --format='delete %(refname)' refs/fleet/synced refs/fleet/worker refs/fleet/carried refs/fleet/dependencies | git update-ref --stdin"]);
  };
  const pushLoop = ["sh", "-c", `rm -rf ${anchorRoot} && mkdir ${anchorRoot} && for id in ${ids.join(" ")}; do git init -q --bare ${anchorRoot}/$id.git && git push -q ${anchorRoot}/$id.git refs/fleet/split/$id:refs/heads/main || exit 1; done`];
  const first = compare(
    [
      { name: `git push of each split into an empty repository, a shell loop (${ids.length} workers)`, command: pushLoop, cwd: dir },
      { name: `fleet sync --all, first sync (${ids.length} workers)`, command: fleet(dir, "sync", "--all"), cwd: dir, env: ENV, prepare: resetRepositories },
    ],
    runs,
    1,
  );
  console.log(`## ${ids.length} workers, ${commits} commits: the first sync\n\n${report(first)}\n`);

  let n = 0;
  const touch = () => void sh(dir, ["sh", "-c", `echo "// bench ${++n}" >> src/services/${serviceId(1)}.js && git commit -qam "bench: one more commit ${n}"`]);
  const touched = serviceId(1);
  const after = compare(
    [
      { name: `fleet sync ${touched} after one commit touching it`, command: fleet(dir, "sync", touched), cwd: dir, env: ENV, prepare: touch },
      { name: `fleet sync --all after one commit touching ${touched}`, command: fleet(dir, "sync", "--all"), cwd: dir, env: ENV, prepare: touch },
    ],
    runs,
    1,
  );
  console.log(`## ${ids.length} workers, ${commits} commits: after one commit\n\n${report(after)}\n`);
  rmSync(dir, { recursive: true, force: true });
  rmSync(anchorRoot, { recursive: true, force: true });
}
rmSync(work, { recursive: true, force: true });
