import { defineCommand } from "../cli/define.js";
import { sessionOf } from "../cli/context.js";
import { registrySync, type RegistryEntryResult } from "../api/registry.js";
import { EXIT_FINDINGS, UserError } from "../errors.js";
import { DEFAULT_RETRY } from "../registry/client.js";
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
    timeout: { type: "integer", min: 1, default: DEFAULT_RETRY.timeoutMs, description: "per request to a remote registry, in ms", placeholder: "MS" },
    retries: {
      type: "integer",
      min: 0,
      default: DEFAULT_RETRY.retries,
      description: "retries of a failed request, with backoff, within a minute",
      placeholder: "N",
    },
  },
  async run(ctx, { values, positionals }) {
    if (positionals[0] !== "sync")
      throw new UserError(positionals[0] ? `unknown registry action "${positionals[0]}"` : "fleet registry needs an action", {
        hint: "fleet registry sync [--dry-run]",
      });
    const result = await registrySync({
      ...sessionOf(ctx),
      manifest: await ctx.manifest(),
      dryRun: Boolean(values["dry-run"]),
      timeoutMs: values.timeout,
      retries: values.retries,
    });
    const failed = result.entries.filter((e) => e.error).length;
    const changed = result.entries.filter((e) => e.action !== "unchanged" && !e.error).length;
    if (ctx.json)
      ctx.out.json({
        registry: result.registry,
        dryRun: result.dryRun,
        entries: result.entries.map(({ serviceId, action, error }) => ({ serviceId, action, ...(error ? { error } : {}) })),
      });
    else {
      const shown = (e: RegistryEntryResult) =>
        e.error ? `failed to ${e.action}` : e.action === "unchanged" ? "unchanged" : result.dryRun ? `would ${e.action}` : `${e.action}d`;
      ctx.out.print(
        table(
          ["service", "entry", "version", "domain", "detail"],
          result.entries.map((e) => [e.serviceId, shown(e), e.version, e.domain ?? "", e.error ?? ""]),
        ),
      );
    }
    if (failed) ctx.out.warn(`${failed} entr${failed === 1 ? "y" : "ies"} could not be written; run \`fleet registry sync\` again to finish`);
    ctx.out.info(
      changed === 0 && !failed
        ? "nothing to do: every entry is up to date"
        : `${changed} ${result.dryRun ? "would change" : "changed"}${failed ? `, ${failed} failed` : ""}`,
    );
    return failed ? EXIT_FINDINGS : 0;
  },
});
