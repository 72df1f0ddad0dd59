// A GitHub stand-in to fail on purpose, and the example monorepo pointed at it: what the forge
// fault tests share (test/reliability/forge-faults.test.ts, test/slow/forge-retries.test.ts).
import { join } from "node:path";
import { monorepoOnGitHub } from "../forge/github-fixture.js";
import { GitHubStandIn } from "../forge/github-stand-in.js";
import { tempDir } from "../helpers/tmp.js";
import { IDENTITY } from "../repos/extracted.fixture.js";

const TOKEN = "ghp_faultsToken00112233445566778899";

/** fleet's environment for it: the token, one second per HTTP attempt, a git identity. */
export const FAULTY_FORGE_ENV = { ...IDENTITY, GH_TOKEN: TOKEN, FLEET_HTTP_TIMEOUT: "1", CLOUDFLARE_API_TOKEN: "x", CLOUDFLARE_ACCOUNT_ID: "y" };

export async function faultyForge(): Promise<{ github: GitHubStandIn; dir: string }> {
  const root = await tempDir("fleet-forge-faults-");
  const github = await new GitHubStandIn("chittyos", TOKEN, join(root, "github")).start();
  const dir = join(root, "monorepo");
  await monorepoOnGitHub(dir, github, 30);
  return { github, dir };
}
