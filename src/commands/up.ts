import { defineCommand } from "../cli/define.js";
import { serveCloud } from "../cloud/serve.js";
import { LocalCloudStore } from "../cloud/store.js";
import { UserError } from "../errors.js";
import { ensureLocalRegistry, LOCAL_REGISTRY_URL } from "../registry/local.js";

export default defineCommand({
  usage: "[--port 8787]",
  description:
    "Serves every deployed worker of the local cloud on 127.0.0.1, routed by the Host header (fleet hostnames and " +
    "<script>.workers.dev), in one workerd, until interrupted. Deploys made meanwhile take effect without a restart. " +
    "Try: curl -H 'Host: initiate.chitty.cc' http://127.0.0.1:8787/health",
  options: {
    port: { type: "integer", min: 0, max: 65535, default: 8787, description: "port on 127.0.0.1 (0 picks a free one)", placeholder: "PORT" },
  },
  async run(ctx, { values }) {
    const port = values.port;
    const store = LocalCloudStore.at(ctx.cwd);
    const manifest = await ctx.manifest().catch(() => undefined);
    if (manifest?.providers.cloud === "cloudflare")
      ctx.out.warn("the manifest names Cloudflare; fleet up serves the local cloud (.fleet/cloud), not your account's workers");
    if (manifest?.providers.registry === "local" && (await ensureLocalRegistry(store)).deployed)
      ctx.out.info(`deployed the local registry at ${LOCAL_REGISTRY_URL}`);
    const state = await store.state();
    if (Object.keys(state.workers).length === 0) ctx.out.warn("nothing is deployed yet: `fleet deploy --platform` (router layout) or `fleet deploy --all`");
    let cloud;
    try {
      cloud = await serveCloud(store, { port, onReload: (n) => ctx.out.info(`reloaded: ${n} workers`) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
        throw new UserError(`port ${port} is in use`, { hint: "pass --port with another port (0 picks a free one)" });
      throw error;
    }
    const hosts = Object.keys(state.routes).length;
    ctx.out.print(`serving ${Object.keys(state.workers).length} workers (${hosts} hostnames) on http://127.0.0.1:${cloud.port}`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await cloud.close();
    ctx.out.info("stopped");
  },
});
