// One probe per step: each looks at what the step is about and says done / missing / n/a with
// the evidence it saw. Probes only read the facts gathered in observe.ts.
import { TEST_FILE } from "../discovery/file-kinds.js";
import { pathMapper } from "../history/path-filter.js";
import { parse as parseYaml } from "yaml";
import { markerPathFor } from "../cutover/monorepo-change.js";
import { listedWorkers, WORKERS_DOC } from "../docs/workers-doc.js";
import { repoFullName, repoNameFor, repositoryUrl } from "../manifest/names.js";
import { workerRouteHosts } from "../manifest/routes.js";
import { waitingToComeBack } from "../sync/own-commits.js";
import { topicsFor } from "../repos/ensure.js";
import type { FleetFacts } from "./observe.js";
import { nextAction, STEPS, type StepKey, type StepResult, type WorkerStatus } from "./steps.js";
import { displayName } from "../manifest/names.js";
import { probeOf, probeUrl } from "../health/probe.js";
import { sameCommit } from "../cloud/cloud.js";
import { bothEvidence, triggerFacts } from "./triggers.js";
import { FLEET_VITEST_CONFIG, INTEGRATION_TEST, testSetupOf, type TestSetup } from "../scaffold/test-setup.js";

export const WORKFLOW = ".github/workflows/deploy.yml";

type Probe = (facts: FleetFacts, id: string) => Promise<Omit<StepResult, "step">> | Omit<StepResult, "step">;
const done = (evidence: string) => ({ state: "done" as const, evidence });
const missing = (evidence: string) => ({ state: "missing" as const, evidence });
const na = (evidence: string) => ({ state: "n/a" as const, evidence });
const short = (commit: string) => commit.slice(0, 12);

const PROBES: Record<StepKey, Probe> = {
  repository(facts, id) {
    const name = repoNameFor(facts.manifest, id);
    const repo = facts.repos.get(name);
    if (!repo) return missing(`no repository ${name} on the ${facts.forge.label}`);
    if (!repo.managedByFleet) return missing(`${name} exists but was not created by fleet`);
    const lacking = topicsFor(facts.manifest, id).filter((t) => !repo.topics.includes(t));
    if (lacking.length) return missing(`${name} lacks the topics ${lacking.join(", ")}`);
    return done(`${name} on the ${facts.forge.label}, topics ${repo.topics.join(", ")}`);
  },

  async code(facts, id) {
    const snap = facts.snapshots.get(id);
    if (!snap?.tip) return missing("the repository has no commits");
    if (!snap.lastSync) return missing("never synced from the monorepo");
    const source = snap.lastSync.source.slice(snap.lastSync.source.lastIndexOf("@") + 1);
    const filter = facts.plans.get(id)?.filter;
    const paths = !filter ? [] : "subdirectory" in filter ? [filter.subdirectory] : [...filter.paths];
    const behind = paths.length ? await facts.commitsSince(source, paths) : 0;
    if (behind === null) return missing(`last synced from ${short(source)}, a commit this monorepo does not have`);
    if (behind > 0)
      return missing(`behind by ${behind} commit${behind === 1 ? "" : "s"}: last synced from ${short(source)} (split ${short(snap.lastSync.split)})`);
    return done(`split ${short(snap.lastSync.split)} synced from ${facts.branch} at ${short(source)}`);
  },

  async tests(facts, id) {
    const snap = facts.snapshots.get(id);
    if (!snap?.tip) return missing("the repository has no commits");
    const plan = facts.plans.get(id);
    // where each path lands in the repository (a directory worker's files at its root)
    const mapPath = plan?.filter ? pathMapper(plan.filter) : (p: string) => p;
    const brought = (plan?.paths ?? []).map((p) => mapPath(p) ?? p);
    // the test command the repository runs, read from its package.json; the config files that count as the worker's own are those it brought
    const setup = await testSetupOf(brought, (path) => snap.text(path));
    if (!setup.script) return missing(`package.json has no test script${setup.config ? ` (${setup.config} is there, for ${setup.runner})` : ""}`);
    const own = brought.filter((p) => TEST_FILE.test(p));
    const fleets = setup.runner === "fleet" ? [FLEET_VITEST_CONFIG, INTEGRATION_TEST] : setup.fleetTest ? [INTEGRATION_TEST] : [];
    const absent = [...new Set([...own, ...fleets])].filter((p) => !snap.files.has(p));
    if (absent.length) return missing(`not in the repository: ${absent.join(", ")}`);
    const files = [...new Set([...own, ...fleets.filter((p) => p !== FLEET_VITEST_CONFIG)])];
    const listed = files.length ? `${files.length} test file${files.length === 1 ? "" : "s"}: ${files.join(", ")}` : "no test files of its own";
    const outside = setup.runner === "vitest" && !setup.fleetTest ? `; fleet's health test stays out: ${setup.note}` : "";
    return done(`npm test runs ${setup.script} ${ranBy(setup)}: ${listed}${outside}`);
  },

  async actions(facts, id) {
    const snap = facts.snapshots.get(id);
    const text = await snap?.text(WORKFLOW);
    if (text === undefined) return missing(`no ${WORKFLOW}`);
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (error) {
      return missing(`${WORKFLOW} does not parse: ${(error as Error).message.split("\n")[0]}`);
    }
    const steps = Object.values((doc as { jobs?: Record<string, { steps?: { uses?: string }[] }> })?.jobs ?? {}).flatMap((j) => j?.steps ?? []);
    const action = steps.find((s) => typeof s?.uses === "string" && s.uses.startsWith("cloudflare/wrangler-action@"));
    if (!action) return missing(`${WORKFLOW} has no cloudflare/wrangler-action step`);
    return done(`${WORKFLOW} deploys with ${action.uses} (${steps.length} steps)`);
  },

  secrets(facts, id) {
    const runtime = facts.plans.get(id)?.secrets ?? [];
    const required = [...new Set([...facts.manifest.secrets, ...runtime])].sort();
    if (required.length === 0) return na("the worker needs no secrets");
    const script = repoNameFor(facts.manifest, id);
    const repo = facts.repos.get(script);
    if (!repo) return missing(`needs ${required.join(", ")}; no repository yet`);
    const set = new Set(repo.secrets.map((s) => s.name));
    const absent = required.filter((s) => !set.has(s));
    if (absent.length) return missing(`not set: ${absent.join(", ")} (of ${required.length})`);
    // on Cloudflare the code's secrets must also be the deployed worker's own (the local cloud keeps none)
    const onCloud = facts.runtimeSecrets.get(script);
    if (facts.cloud.kind === "cloudflare" && onCloud && runtime.length) {
      const notOnWorker = runtime.filter((s) => !onCloud.includes(s));
      if (notOnWorker.length) return missing(`set in the repository, but not on the worker on Cloudflare: ${notOnWorker.join(", ")}`);
      return done(`all ${required.length} set: ${required.join(", ")}; on the worker: ${runtime.join(", ")}`);
    }
    return done(`all ${required.length} set: ${required.join(", ")}`);
  },

  async deployed(facts, id) {
    const script = repoNameFor(facts.manifest, id);
    const { both } = await triggerFacts(facts, id);
    if (both.length) return missing(bothEvidence(facts, id, both));
    const version = facts.active.get(script);
    if (!version) return missing(`${script} is not deployed`);
    const repo = facts.repos.get(script);
    const tip = facts.snapshots.get(id)?.tip;
    const source = version.source;
    if (!source) return missing(`v${version.number} was not deployed by fleet: no repository commit is recorded with it`);
    if (!repo) return missing(`v${version.number} is live but ${script} has no repository`);
    // Cloudflare keeps the commit with a version, not the repository it came from
    if (source.repository !== undefined && source.repository !== repo.url)
      return missing(`v${version.number} came from ${source.repository}, not from its repository`);
    // Cloudflare keeps the commit's first 20 hex digits; the local cloud the whole commit
    if (!tip || !sameCommit(source.commit, tip))
      return missing(`v${version.number} is ${short(source.commit)}; the repository's main is now ${tip ? short(tip) : "empty"}`);
    return done(`v${version.number} from ${short(source.commit)} (${source.message})`);
  },

  health(facts, id) {
    const result = facts.health.get(id);
    if (!result) return missing(`${repoNameFor(facts.manifest, id)} is not deployed, so there is nothing to check`);
    const summary = `${result.url} → ${result.status ?? result.error?.kind} in ${result.latencyMs} ms`;
    if (result.state === "up") return done(summary);
    return missing(`${summary}${result.error ? ` (${result.error.message})` : ""}`);
  },

  registry(facts, id) {
    if ("error" in facts.registry) return missing(facts.registry.error);
    const entry = facts.registry.entries.get(id);
    if (!entry) return missing(`no entry for ${id}`);
    const url = repositoryUrl(facts.manifest, id);
    if (entry.repository !== url) return missing(`the entry points at ${entry.repository}, not ${url}`);
    return done(`entry ${entry.version}, repository ${url}`);
  },

  async docs(facts, id) {
    const worker = facts.manifest.workers[id]!;
    const readme = await facts.snapshots.get(id)?.text("README.md");
    if (readme === undefined) return missing("the repository has no README.md");
    const links = worker.domain ? [`https://${worker.domain}`, probeUrl(worker.domain, probeOf(worker))] : [];
    const absent = links.filter((l) => !readme.includes(l));
    if (absent.length) return missing(`README.md lacks ${absent.join(", ")}`);
    if (!listedWorkers(facts.docs.text, facts.manifest).includes(id))
      return missing(`the monorepo's ${WORKERS_DOC} does not list ${repoNameFor(facts.manifest, id)}`);
    const committed = listedWorkers(facts.docs.committed, facts.manifest).includes(id);
    return done(
      `README.md links ${links.length ? "production and health" : "its repository"}; ${WORKERS_DOC} lists it${committed ? "" : " (not committed yet)"}`,
    );
  },

  async migrated(facts, id) {
    const worker = facts.manifest.workers[id]!;
    if (!facts.router) return na(`${facts.manifest.monorepo.layout} layout: no platform router hands this hostname over`);
    if ("error" in facts.router) return missing(`the router cannot be read: ${facts.router.error}`);
    if (!workerRouteHosts(worker).length || !worker.source?.file) return na("no hostname in the router to hand over");
    const marker = markerPathFor(worker.source.file);
    const text = await facts.hasFile(marker);
    const pending = facts.cutoverBranches.has(id) ? ` (the cutover is on fleet/cutover/${id}; fleet cutover ${id} --apply brings it)` : "";
    if (text === undefined) return missing(`no ${marker} on ${facts.branch}${pending}`);
    if (!text.includes(`Migrated to: ${repositoryUrl(facts.manifest, id)}`)) return missing(`${marker} does not name ${repositoryUrl(facts.manifest, id)}`);
    const script = repoNameFor(facts.manifest, id);
    // every hostname and every path route of the worker goes through a binding to its script
    const router = facts.router;
    const sites = [
      ...workerRouteHosts(worker).map((host) => ({ what: host, entry: router.map.entries.find((e) => e.hostname === host) })),
      ...(worker.paths ?? []).map((prefix) => ({ what: `path ${prefix}`, entry: router.map.paths.find((p) => p.prefix === prefix)?.entry })),
    ];
    const own = sites.filter((s) => s.entry?.kind !== "binding");
    if (own.length) return missing(`${marker} exists but the router still serves ${own.map((s) => s.what).join(", ")} itself${pending}`);
    const astray = sites.filter((s) => s.entry?.kind === "binding" && router.services.get(s.entry.binding) !== script);
    if (astray.length)
      return missing(
        `the router forwards ${astray.map((s) => `${s.what} to env.${(s.entry as { binding: string }).binding}`).join(", ")}, not bound to ${script}`,
      );
    const binding = (sites[0]!.entry as { binding: string }).binding;
    // its crons and queues move with it: the platform lets go of each and the worker's config declares it
    const triggers = await triggerFacts(facts, id);
    if (triggers.both.length) return missing(bothEvidence(facts, id, triggers.both));
    if (triggers.unmoved.length)
      return missing(`${marker} exists but ${triggers.unmoved.join(", ")} ${triggers.unmoved.length > 1 ? "have" : "has"} not moved to ${script}${pending}`);
    const runs = triggers.moved.length ? `; ${script} runs ${triggers.moved.join(", ")}` : "";
    return done(`${marker}; the router forwards ${sites.map((s) => s.what).join(", ")} to env.${binding} (${script})${runs}`);
  },
};

/** Which setup a test command runs with, in words. */
function ranBy(setup: TestSetup): string {
  if (setup.runner === "fleet") return `with fleet's ${FLEET_VITEST_CONFIG}`;
  if (setup.runner === "script") return "(the worker's own script)";
  return `with ${setup.config ? `its own ${setup.config === "package.json" ? "jest field in package.json" : setup.config}` : setup.runner}`;
}

const EXTERNAL_STEPS = new Set<StepKey>(["health", "registry"]);

export async function probeWorker(facts: FleetFacts, id: string): Promise<WorkerStatus> {
  const worker = facts.manifest.workers[id]!;
  const steps: StepResult[] = [];
  for (const { key } of STEPS) {
    if (worker.external && !EXTERNAL_STEPS.has(key)) steps.push({ step: key, state: "n/a", evidence: `external: lives in ${worker.external}` });
    else steps.push({ step: key, ...(await PROBES[key](facts, id)) });
  }
  const health = facts.health.get(id);
  const snap = facts.snapshots.get(id);
  const input = facts.scaffolds.get(id);
  const scaffold = snap?.tip && snap.git && input ? await facts.driftMemory.drift(id, snap.git.cwd, snap.tip, input, snap.git.env) : null;
  const waiting =
    snap?.tip && snap.git && snap.lastSync
      ? await waitingToComeBack(snap.git.cwd, facts.monorepo, { id, repository: repoFullName(facts.manifest, id), tip: snap.tip, lastSync: snap.lastSync })
      : null;
  const script = repoNameFor(facts.manifest, id);
  const live = facts.active.get(script);
  const cloud = worker.external
    ? null
    : {
        kind: facts.cloud.kind,
        script,
        live: live ? { id: live.id, number: live.number, commit: live.source?.commit ?? null } : null,
        hostnames:
          "hostnames" in facts.cloud
            ? [...facts.cloud.hostnames]
                .filter(([, holder]) => holder === script)
                .map(([host]) => host)
                .sort()
            : [],
        secrets: facts.runtimeSecrets.get(script) ?? [],
      };
  return {
    id,
    name: displayName(id, worker),
    phase: worker.phase,
    week: worker.week ?? null,
    domain: worker.domain ?? null,
    ...(worker.routes?.length ? { routes: worker.routes } : {}),
    external: Boolean(worker.external),
    repository: repositoryUrl(facts.manifest, id),
    dependsOn: worker.dependsOn,
    steps,
    // a hotfix made in the repository comes back first: until then its sync is refused
    next: waiting?.length
      ? { step: "back", command: `fleet sync --back ${id}` }
      : (nextAction(id, steps) ?? (scaffold?.state === "behind" ? { step: "scaffold", command: `fleet update ${id}` } : null)),
    scaffold,
    back: waiting ? { waiting: waiting.length, commits: waiting } : null,
    health: health ? { state: health.state, latencyMs: health.latencyMs, url: health.url } : null,
    cloud,
  };
}
