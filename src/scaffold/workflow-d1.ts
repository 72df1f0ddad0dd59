// The deploy workflow's D1 step: the pending migrations of every database the repository holds
// migrations for, applied with wrangler's own `d1 migrations apply <binding> --remote` before the
// new version deploys (wrangler-action adds --env for the environment deployed). A step of its
// own rather than the repository's `predeploy` script: wrangler-action runs `wrangler deploy`
// itself, so npm's pre/post hooks never run there; a failed migration stops the job before the
// deploy, and the rollback step (which needs a successful deploy) leaves the live version alone.
// Applying twice changes nothing: wrangler skips what the migrations table records.
import { configFlag, type ScaffoldInput } from "./input.js";

export function d1MigrationSteps(input: ScaffoldInput, environment: string, credentials: readonly string[]): string[] {
  return input.d1Migrations.flatMap((m) => [
    `      - name: Apply D1 migrations of ${m.binding}`,
    "        uses: cloudflare/wrangler-action@v4",
    "        with:",
    ...credentials,
    `          environment: ${environment}`,
    `          command: d1 migrations apply ${m.binding} --remote${configFlag(input)}`,
  ]);
}
