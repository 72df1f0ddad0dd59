// The local registry: fleet's registry worker deployed into the local cloud (script
// fleet-registry, answering on fleet-registry.workers.dev), kept at fleet's current code.
import type { LocalCloudStore } from "../cloud/store.js";
import { WORKERS_DEV } from "../cloud/runtime.js";
import { REGISTRY_SCRIPT, REGISTRY_WORKER } from "./worker-source.js";

export const LOCAL_REGISTRY_URL = `https://${REGISTRY_SCRIPT}.${WORKERS_DEV}`;

/** Deploys the registry worker unless the active version already runs this code. */
export async function ensureLocalRegistry(store: LocalCloudStore): Promise<{ deployed: boolean }> {
  const state = await store.state();
  const entry = state.workers[REGISTRY_SCRIPT];
  if (entry) {
    const modules = await store.modules(REGISTRY_SCRIPT, entry.active);
    if (modules[0]?.contents === REGISTRY_WORKER) return { deployed: false };
  }
  await store.deploy(
    {
      script: REGISTRY_SCRIPT,
      compatibilityDate: "2025-09-01",
      compatibilityFlags: [],
      routes: [],
      kv: ["SERVICES"],
      d1: [],
      r2: [],
      durableObjects: {},
      vars: {},
      services: {},
    },
    { main: "index.js", modules: [{ name: "index.js", contents: REGISTRY_WORKER }] },
    { repository: "worker-fleet", commit: "0".repeat(40), message: "fleet's registry worker" },
  );
  return { deployed: true };
}
