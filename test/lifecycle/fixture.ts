// An example monorepo with its platform deployed to the local cloud: the starting point of a
// migration. Small history: these tests are about the lifecycle, not the split.
import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateExample } from "../../src/example/index.js";
import { runFleet } from "../helpers/run.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

/** No real secret reaches these tests: the ones the environment may hold are blanked. */
export const NO_SECRETS = { CLOUDFLARE_API_TOKEN: "", CLOUDFLARE_ACCOUNT_ID: "", ...IDENTITY };

export async function platformDeployed(commits = 80): Promise<{ dir: string; secretsFile: string }> {
  const dir = join(await tempDir("fleet-lifecycle-"), "monorepo");
  await generateExample(dir, { layout: "router", commits });
  await appendFile(join(dir, ".git", "info", "exclude"), ".fleet/\n");
  const init = await runFleet(["init", "--cwd", dir]);
  if (init.code !== 0) throw new Error(init.stderr);
  const deploy = await runFleet(["deploy", "--platform", "--cwd", dir]);
  if (deploy.code !== 0) throw new Error(deploy.stdout + deploy.stderr);
  const secretsFile = join(dir, "..", "secrets.env");
  await writeFile(secretsFile, "CLOUDFLARE_API_TOKEN=test-token-value\nCLOUDFLARE_ACCOUNT_ID=test-account\nJWT_SECRET=test-jwt\n");
  return { dir, secretsFile };
}

export async function statusOf(dir: string, id: string): Promise<Record<string, { state: string; evidence: string }>> {
  const result = await runFleet(["status", id, "--json", "--retries", "0", "--cwd", dir], NO_SECRETS);
  if (result.code !== 0) throw new Error(result.stderr);
  const worker = JSON.parse(result.stdout).workers[0] as { steps: { step: string; state: string; evidence: string }[] };
  return Object.fromEntries(worker.steps.map((s) => [s.step, { state: s.state, evidence: s.evidence }]));
}
