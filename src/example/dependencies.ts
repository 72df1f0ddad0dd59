// Shared rules for what a worker depends on: npm packages by version range, and other fleet
// workers through service bindings it reads or URLs of their domains.
import { bindingFor } from "./bindings.js";
import { NPM_VERSIONS, SERVICES, type NpmPackage } from "./catalog.js";
import { sorted, workerName } from "./truth.js";

/** The fleet id a service binding points at, if it points inside the fleet. */
export function fleetTarget(envName: string): string | undefined {
  const binding = bindingFor(envName);
  if (binding?.kind !== "service") return undefined;
  return SERVICES.find((spec) => workerName(spec.id) === binding.service)?.id;
}

export function serviceDependencies(id: string, reads: readonly string[], urls: readonly string[], npm: readonly NpmPackage[]) {
  const targets = reads.map(fleetTarget).filter((target): target is string => target !== undefined);
  const npmDependencies: Record<string, string> = {};
  for (const name of sorted(npm)) npmDependencies[name] = NPM_VERSIONS[name as NpmPackage];
  return {
    npmDependencies,
    dependsOn: sorted([...targets, ...urls]).filter((other) => other !== id),
  };
}
