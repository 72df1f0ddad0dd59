import { defineCommand } from "../cli/define.js";
import { miniflareOptions } from "../cloud/runtime.js";
import { LocalCloudStore } from "../cloud/store.js";
import { UserError } from "../errors.js";
import { RegistryClient, sameEntry, type RegistryFetch } from "../registry/client.js";
import { registryEntries } from "../registry/entries.js";
import { ensureLocalRegistry, LOCAL_REGISTRY_URL } from "../registry/local.js";
import { table } from "../report/table.js";

export default defineCommand({
  writes: true,
  usage: "sync [--dry-run]",
  description:
    "Upserts every worker's entry in the service registry (serviceId, name, version, repository, cloudflareWorker, domain, " +
    "endpoint, healthEndpoint, capabilities, deployedAt) from the manifest, the forge and the cloud. The local registry is " +
    "fleet's registry worker in the local cloud; a remote one is the URL in providers.registry, with a bearer token from " +
    "FLEET_REGISTRY_TOKEN.",
  maxPositionals: 1,
  options: {
    "dry-run": { type: "boolean", description: "show what would be created or updated; change nothing" },
  },
  async run(ctx, { values, positionals }) {
    if (positionals[0] !== "sync") throw new UserError(positionals[0] ? `unknown registry action "${positionals[0]}"` : "fleet registry needs an action", { hint: "fleet registry sync [--dry-run]" });
    const manifest = await ctx.manifest();
    const store = LocalCloudStore.at(ctx.cwd);
    const wanted = await registryEntries(manifest, store);
    const provider = manifest.providers.registry;
    let dispose = async () => {};
    let client: RegistryClient;
    if (provider === "local") {
      if (!values["dry-run"]) await ensureLocalRegistry(store);
      const { Miniflare } = await import("miniflare");
      const mf = new Miniflare((await miniflareOptions(store)) as never);
      dispose = () => mf.dispose();
      client = new RegistryClient(LOCAL_REGISTRY_URL, ((url: string, init?: RequestInit) => mf.dispatchFetch(url, init as never)) as unknown as RegistryFetch);
    } else {
      client = new RegistryClient(provider, fetch, ctx.env.FLEET_REGISTRY_TOKEN);
    }
    try {
      const current = new Map((values["dry-run"] && provider === "local" && !(await store.state()).workers["fleet-registry"] ? [] : await client.list()).map((e) => [e.serviceId, e]));
      const rows: string[][] = [];
      const actions: { serviceId: string; action: string }[] = [];
      let changed = 0;
      for (const entry of wanted) {
        const existing = current.get(entry.serviceId);
        const action = !existing ? "create" : sameEntry({ ...existing }, entry) ? "unchanged" : "update";
        if (action !== "unchanged") {
          changed++;
          if (!values["dry-run"]) await client.put(entry);
        }
        actions.push({ serviceId: entry.serviceId, action });
        rows.push([entry.serviceId, values["dry-run"] && action !== "unchanged" ? `would ${action}` : action === "unchanged" ? "unchanged" : `${action}d`, entry.version, entry.domain ?? ""]);
      }
      if (ctx.json) ctx.out.json({ registry: provider === "local" ? LOCAL_REGISTRY_URL : provider, dryRun: Boolean(values["dry-run"]), entries: actions });
      else ctx.out.print(table(["service", "entry", "version", "domain"], rows));
      ctx.out.info(changed === 0 ? "nothing to do: every entry is up to date" : `${changed} ${values["dry-run"] ? "would change" : "changed"}`);
    } finally {
      await dispose();
    }
  },
});
