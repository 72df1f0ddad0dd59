// What cutover changes in the monorepo, computed from a commit: the MIGRATED marker beside the
// service module, the router entry rewritten to call the worker through a service binding (only
// that expression's characters change), and the wrangler config's route and binding.
import { UserError } from "../errors.js";
import { DEFAULT_ROUTER, platformConfigFile } from "../discovery/platform-config.js";
import { locateRouterEntry } from "../discovery/router.js";
import { SourceTree } from "../discovery/source-tree.js";
import { parseWranglerConfig } from "../discovery/wrangler-config.js";
import { fileAt } from "../git/commit-files.js";
import { repoNameFor, repositoryUrl } from "../manifest/names.js";
import type { Manifest } from "../manifest/schema.js";
import { bindingFor, editWranglerConfig } from "./wrangler-edit.js";

export const CUTOVER_TRAILER = "Fleet-Cutover";

export interface MonorepoChange {
  id: string;
  host: string;
  /** The worker's script name. */
  script: string;
  /** The platform worker's script name (its wrangler config's name). */
  platform: string;
  /** The platform's wrangler config, the one it is deployed with. */
  platformConfig: string;
  binding: string;
  markerPath: string;
  /** Files to write (path → new content); empty when the commit already holds the cutover. */
  files: Map<string, string>;
  /** path → content before, for the files that change (for --dry-run's diff). */
  before: Map<string, string>;
}

export function cutoverBranch(id: string): string {
  return `fleet/cutover/${id}`;
}

export function markerPathFor(sourceFile: string): string {
  return `${sourceFile}.MIGRATED`;
}

export function markerContent(manifest: Manifest, id: string, host: string, binding: string): string {
  return [
    `Migrated to: ${repositoryUrl(manifest, id)}`,
    `Worker: ${repoNameFor(manifest, id)}`,
    `Hostname: ${host} (the platform router forwards it with env.${binding}.fetch(request))`,
    "",
    "This service is deployed from its own repository now. Change it there; this module stays",
    "here only until the monorepo's copy is removed.",
    "",
  ].join("\n");
}

/** Checks that the worker can be cut over at all (layout, domain, source module). */
export function cutoverTarget(manifest: Manifest, id: string): { host: string; file: string; router: string } {
  const worker = manifest.workers[id];
  if (!worker) throw new UserError(`unknown worker: ${id}`);
  if (worker.external) throw new UserError(`${id} is external: it already lives in its own repository and the router forwards to it`);
  if (manifest.monorepo.layout !== "router") {
    throw new UserError(`cutover moves a hostname away from the platform router, and this monorepo uses the ${manifest.monorepo.layout} layout`, {
      hint: "each directory worker already deploys under its own name; deploy it from its repository with `fleet deploy`",
    });
  }
  if (!worker.domain) throw new UserError(`${id} has no domain in fleet.jsonc, so there is no hostname to move`);
  if (!worker.source?.file) throw new UserError(`${id} has no source.file in fleet.jsonc`);
  return { host: worker.domain, file: worker.source.file, router: manifest.monorepo.router ?? DEFAULT_ROUTER };
}

export async function monorepoChange(repo: string, manifest: Manifest, id: string, commit: string): Promise<MonorepoChange> {
  const target = cutoverTarget(manifest, id);
  const script = repoNameFor(manifest, id);
  const read = async (path: string) => {
    const text = await fileAt(repo, commit, path);
    if (text === undefined) throw new UserError(`${path} is not in the monorepo at ${commit.slice(0, 12)}`, { hint: "check monorepo.router and monorepo.wrangler in fleet.jsonc" });
    return text;
  };
  const wranglerFile = await platformConfigAt(repo, manifest, commit);
  const wranglerText = await read(wranglerFile);
  const config = parseWranglerConfig(wranglerText, wranglerFile);
  const plan = bindingFor(config, id, script);
  const files = new Map<string, string>();
  const before = new Map<string, string>();

  const wranglerAfter = editWranglerConfig(wranglerText, wranglerFile, { host: target.host, binding: plan, service: script });
  if (wranglerAfter !== wranglerText) {
    files.set(wranglerFile, wranglerAfter);
    before.set(wranglerFile, wranglerText);
  }

  const routerText = await read(target.router);
  const forward = `(request, env) => env.${plan.binding}.fetch(request)`;
  const entry = locateRouterEntry(routerText, target.router, target.host);
  if (!entry) {
    throw new UserError(`${target.router} has no entry for ${target.host}`, { hint: `the router must map "${target.host}" for fleet to hand it over; check the worker's domain in fleet.jsonc` });
  }
  if (routerText.slice(entry.start, entry.end) !== forward) {
    files.set(target.router, routerText.slice(0, entry.start) + forward + routerText.slice(entry.end));
    before.set(target.router, routerText);
  }

  const markerPath = markerPathFor(target.file);
  const marker = markerContent(manifest, id, target.host, plan.binding);
  const markerBefore = await fileAt(repo, commit, markerPath);
  if (markerBefore !== marker) {
    files.set(markerPath, marker);
    if (markerBefore !== undefined) before.set(markerPath, markerBefore);
  }
  return { id, host: target.host, script, platform: config.name ?? "platform", platformConfig: wranglerFile, binding: plan.binding, markerPath, files, before };
}

export function cutoverMessage(change: MonorepoChange, repositoryAddress: string): string {
  return [
    `Cut over ${change.host} to ${change.script}`,
    "",
    `The platform router forwards ${change.host} to the worker through the service binding`,
    `${change.binding} and no longer holds its route; ${change.markerPath} records where the`,
    `service lives now: ${repositoryAddress}.`,
    "",
    `${CUTOVER_TRAILER}: ${change.id}`,
    "",
  ].join("\n");
}

/** The platform's wrangler config at `commit`: the manifest's, or found as discovery finds it. */
async function platformConfigAt(repo: string, manifest: Manifest, commit: string): Promise<string> {
  if (manifest.monorepo.wrangler) return manifest.monorepo.wrangler;
  const tree = await SourceTree.atCommit(repo, commit);
  try {
    const file = await platformConfigFile(tree, manifest);
    if (!file) throw new UserError(`found no wrangler config for the platform router at ${commit.slice(0, 12)}`, { hint: "name it in fleet.jsonc as monorepo.wrangler" });
    return file;
  } finally {
    tree.close();
  }
}
