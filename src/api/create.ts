// Each worker's repository on the forge: scaffold commit, topics, environments, secrets.
import { SourceTree } from "../discovery/source-tree.js";
import { UserError } from "../errors.js";
import { forgeFor } from "../forge/select.js";
import { sourceBranch } from "../git/branch.js";
import { repoNameFor } from "../manifest/names.js";
import { ensureRepository, type EnsureResult } from "../repos/ensure.js";
import { scaffoldInput } from "../scaffold/input.js";
import { renderScaffold } from "../scaffold/render.js";
import { workerHistory } from "../scaffold/history.js";
import { sourceName } from "../sync/sync.js";
import { openSession, whileLocked, workersOf, type FleetOptions } from "./session.js";
import { splitIn } from "./split.js";
import { lockfileFor } from "../npm/lockfile.js";
import { boundedMap } from "../concurrency/bounded.js";
import { refuseUncarriable } from "./carry-check.js";

/** How many repositories are made or checked at once. */
const CREATE_CONCURRENCY = 4;

export interface CreateCall extends FleetOptions {
  /** Worker ids (default: every worker of the manifest; external ones are left out). */
  workers?: string[];
  /** Secret values by name, over the environment's (never printed or stored; the forge keeps fingerprints). */
  secrets?: Record<string, string | undefined>;
  /** Say what would be created or changed; change nothing. */
  dryRun?: boolean;
  /** Told once the forge is known, before the first repository. */
  onStart?: (forge: string, total: number) => void;
  /** Repositories done so far. */
  onProgress?: (done: number) => void;
}

export interface CreateResult {
  /** The forge's name, for messages ("local forge", "GitHub organisation chittyos"). */
  forge: string;
  /** Workers left out because they are external (they have their repository already). */
  external: string[];
  repositories: EnsureResult[];
}

/**
 * Creates (or checks and completes) each worker's repository. One repository the forge keeps
 * failing does not stop the others (status "failed"); a mistake of the user's, such as a refused
 * token, stops them all with a UserError.
 */
export async function create(options: CreateCall = {}): Promise<CreateResult> {
  const session = openSession(options);
  return whileLocked(session, "fleet create (library)", async () => {
    const manifest = await session.manifest();
    const selected = workersOf(manifest, options.workers);
    const external = selected.filter((id) => manifest.workers[id]!.external);
    const ids = selected.filter((id) => !manifest.workers[id]!.external);
    const secretValues = { ...session.env, ...options.secrets };
    // a repository made without a file its worker needs would not build: refused before anything is written
    await refuseUncarriable(session, ids, "create");
    const branch = await sourceBranch(session.cwd, manifest.monorepo.branch);
    const forge = forgeFor(manifest, session.cwd, session.env, session.log);
    const tree = await SourceTree.atCommit(session.cwd, `refs/heads/${branch}`);
    const monorepoName = await sourceName(session.cwd);
    const date = new Date().toISOString().slice(0, 10);
    // each CHANGELOG lists its worker's own history: the split, brought up to date (incremental
    // after the first; the sync that follows then finds it done); a dry run reads what is there
    const splitTips = new Map<string, string>();
    if (!options.dryRun && ids.length) for (const w of (await splitIn(session, ids)).workers) if (w.commit) splitTips.set(w.id, w.commit);
    options.onStart?.(forge.label, ids.length);
    // several repositories at once (the GitHub forge still paces its writes one at a time); a
    // mistake of the user's stops the ones not started, lets the started ones finish, then is thrown
    let stop: UserError | undefined;
    let done = 0;
    try {
      const repositories = await boundedMap(ids, CREATE_CONCURRENCY, async (id): Promise<EnsureResult | undefined> => {
        if (stop) return undefined;
        try {
          const input = await scaffoldInput(manifest, id, tree, monorepoName);
          const history = await workerHistory(session.cwd, id, undefined, splitTips.get(id));
          const scaffold = renderScaffold(input, { date, ...(history ? { history } : {}) });
          const secrets = [...manifest.secrets, ...input.secrets];
          // the repository's CI installs with `npm ci`: the package.json fleet writes comes with its lockfile
          const pkg = scaffold.files.get("package.json");
          if (pkg && !input.ownedPaths.includes("package-lock.json")) {
            const lock = await lockfileFor(pkg, session.env).catch((error: Error) => {
              // a package npm cannot reach from here must not stop the repository: it comes without a lockfile, said
              session.log(`warning: ${repoNameFor(manifest, id)}: no package-lock.json (${error.message.split("\n")[0]}); its CI's npm ci needs one`);
              return undefined;
            });
            if (lock)
              scaffold.files = new Map<string, string>(
                [...scaffold.files, ["package-lock.json", lock] as [string, string]].sort(([a], [b]) => (a < b ? -1 : 1)),
              );
          }
          return await ensureRepository(
            { monorepo: session.cwd, manifest, forge, secretValues, dryRun: Boolean(options.dryRun) },
            id,
            input.description,
            secrets,
            scaffold,
          );
        } catch (error) {
          if (error instanceof UserError) {
            stop ??= error;
            return undefined;
          }
          return {
            id,
            repo: repoNameFor(manifest, id),
            status: "failed",
            changes: [],
            drift: [],
            missingSecrets: [],
            detail: (error as Error).message.split("\n")[0]!,
          };
        } finally {
          options.onProgress?.(++done);
        }
      });
      if (stop) throw stop;
      return { forge: forge.label, external, repositories: repositories.filter((r): r is EnsureResult => r !== undefined) };
    } finally {
      tree.close();
    }
  });
}
