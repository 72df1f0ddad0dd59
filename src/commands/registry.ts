import { defineCommand } from "../cli/define.js";
import { wholeNumberOption } from "../cli/numbers.js";
import { miniflareOptions } from "../cloud/runtime.js";
import { LocalCloudStore } from "../cloud/store.js";
import { EXIT_FINDINGS, UserError } from "../errors.js";
import { DEFAULT_RETRY, RegistryClient, RegistryUnavailable, sameEntry, type RegistryFetch } from "../registry/client.js";
import { registryEntries } from "../registry/entries.js";
import { ensureLocalRegistry, LOCAL_REGISTRY_URL } from "../registry/local.js";
import { table } from "../report/table.js";

export default defineCommand({
  writes: true,
  usage: "sync [--dry-run] [--timeout MS] [--retries N]",
  description:
    "Upserts every worker's entry in the service registry (serviceId, name, version, repository, cloudflareWorker, domain, aliases, " +
    "endpoint, healthEndpoint, capabilities, deployedAt) from the manifest, the forge and the cloud. The local registry is " +
    "fleet's registry worker in the local cloud; a remote one is the URL in providers.registry, with a bearer token from " +
    "FLEET_REGISTRY_TOKEN.",
  maxPositionals: 1,
  options: {
    "dry-run": { type: "boolean", description: "show what would be created or updated; change nothing" },
    timeout: { type: "string", description: "per request to a remote registry, in ms (default 10000)", placeholder: "MS" },
    retries: { type: "string", description: "retries of a failed request, with backoff, within a minute (default 4)", placeholder: "N" },
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
      client = new RegistryClient(provider, fetch, ctx.env.FLEET_REGISTRY_TOKEN, {
        ...DEFAULT_RETRY,
        timeoutMs: wholeNumberOption("--timeout", values.timeout, DEFAULT_RETRY.timeoutMs, 1),
        retries: wholeNumberOption("--retries", values.retries, DEFAULT_RETRY.retries),
      });
    }
    try {
      const current = new Map((values["dry-run"] && provider === "local" && !(await store.state()).workers["fleet-registry"] ? [] : await client.list()).map((e) => [e.serviceId, e]));
      const rows: string[][] = [];
      const actions: { serviceId: string; action: string; error?: string }[] = [];
      let changed = 0;
      let failed = 0;
      for (const entry of wanted) {
        const existing = current.get(entry.serviceId);
        const action = !existing ? "create" : sameEntry({ ...existing }, entry) ? "unchanged" : "update";
        let error: string | undefined;
        if (action !== "unchanged" && !values["dry-run"]) {
          // one entry failing (after its retries) does not stop the others; a re-run does the rest
          try {
            await client.put(entry);
            changed++;
          } catch (e) {
            if (!(e instanceof RegistryUnavailable)) throw e;
            error = e.message;
            failed++;
          }
        } else if (action !== "unchanged") changed++;
        actions.push({ serviceId: entry.serviceId, action, ...(error ? { error } : {}) });
        const shown = error ? `failed to ${action}` : values["dry-run"] && action !== "unchanged" ? `would ${action}` : action === "unchanged" ? "unchanged" : `${action}d`;
        rows.push([entry.serviceId, shown, entry.version, entry.domain ?? "", error ?? ""]);
      }
      if (ctx.json) ctx.out.json({ registry: provider === "local" ? LOCAL_REGISTRY_URL : provider, dryRun: Boolean(values["dry-run"]), entries: actions });
      else ctx.out.print(table(["service", "entry", "version", "domain", "detail"], rows));
      if (failed) ctx.out.warn(`${failed} entr${failed === 1 ? "y" : "ies"} could not be written; run \`fleet registry sync\` again to finish`);
      ctx.out.info(changed === 0 && !failed ? "nothing to do: every entry is up to date" : `${changed} ${values["dry-run"] ? "would change" : "changed"}${failed ? `, ${failed} failed` : ""}`);
      return failed ? EXIT_FINDINGS : 0;
    } finally {
      await dispose();
    }
  },
});
