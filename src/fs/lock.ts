// One writer at a time per monorepo. Commands that change the monorepo, its local forge or its
// local cloud hold `<git dir>/fleet/lock` (proper-lockfile: a directory made atomically, its
// mtime refreshed while held). A second command waits, saying who holds it, and gives up after a
// deadline with a clear error (nothing changed). A lock whose holder was killed stops being
// refreshed and is taken over once stale (10 s), or at once when its process is known to be gone
// from this machine. Re-entrant within a process: `fleet migrate` runs create, sync and deploy
// inside its own lock.
import { fleetDir } from "../git/fleet-dir.js";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, stat, utimes } from "node:fs/promises";
import { writeFileAtomic } from "./atomic.js";
import { hostname } from "node:os";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import { UserError } from "../errors.js";

interface Holder {
  /**
   * The lock folder this record is about (inode and birth time: a folder made again after a
   * release often gets the same inode back). A record about an older lock is ignored.
   */
  lock: string;
  pid: number;
  host: string;
  command: string;
  since: string;
}

const held = new Map<string, number>();
const STALE_MS = 10_000;

export interface LockOptions {
  /** How long to wait for another command's lock (default 120 s; FLEET_LOCK_TIMEOUT in seconds). */
  timeoutMs: number;
  onWait?: (holder: string) => void;
}

/** The monorepo's lock folder, or undefined outside a git repository (nothing to protect). */
export async function lockDirOf(cwd: string): Promise<string | undefined> {
  return fleetDir(cwd);
}

export async function withMonorepoLock<T>(cwd: string, command: string, options: LockOptions, work: () => Promise<T>): Promise<T> {
  const dir = await lockDirOf(cwd);
  if (!dir) return work();
  if (held.has(dir)) {
    held.set(dir, held.get(dir)! + 1);
    try {
      return await work();
    } finally {
      held.set(dir, held.get(dir)! - 1);
    }
  }
  await mkdir(dir, { recursive: true });
  const lockPath = join(dir, "lock");
  const infoPath = join(dir, "lock-holder.json");
  const deadline = Date.now() + options.timeoutMs;
  let told = false;
  let release: (() => Promise<void>) | undefined;
  for (;;) {
    try {
      release = await lockfile.lock(dir, { lockfilePath: lockPath, stale: STALE_MS, update: STALE_MS / 5, realpath: false, retries: 0 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
      const holder = await readHolder(infoPath);
      const current = await identity(lockPath);
      // A holder that was killed stops refreshing the lock and proper-lockfile takes it over once
      // stale. When the holder's process is gone from this machine — and the record is about this
      // very lock folder, not an older one — the lock is marked stale now (its mtime set to the
      // epoch) and proper-lockfile's own takeover does the rest.
      const about = holder !== undefined && current !== undefined && holder.lock === current;
      if (about && holder.host === hostname() && !alive(holder.pid)) {
        await utimes(lockPath, 0, 0).catch(() => {});
        continue;
      }
      const who = about ? `\`${holder.command}\` (pid ${holder.pid}, since ${holder.since})` : "another fleet command";
      if (Date.now() >= deadline) {
        throw new UserError(`the monorepo is locked by ${who}; gave up after ${Math.round(options.timeoutMs / 1000)} s`, {
          hint: "let it finish and run this again (FLEET_LOCK_TIMEOUT sets how many seconds to wait); a lock left by a killed command is taken over by itself",
        });
      }
      if (!told) options.onWait?.(who);
      told = true;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  held.set(dir, 1);
  try {
    const lock = (await identity(lockPath)) ?? "unknown";
    await writeFileAtomic(infoPath, JSON.stringify({ pid: process.pid, host: hostname(), command, since: new Date().toISOString(), lock } satisfies Holder));
    return await work();
  } finally {
    held.delete(dir);
    await rm(infoPath, { force: true });
    await release().catch(() => {});
  }
}

/** inode and birth time of the lock folder; undefined where the file system has no birth time. */
async function identity(path: string): Promise<string | undefined> {
  const s = await stat(path, { bigint: true }).catch(() => undefined);
  return s && s.birthtimeNs > 0n ? `${s.ino}:${s.birthtimeNs}` : undefined;
}

async function readHolder(path: string): Promise<Holder | undefined> {
  if (!existsSync(path)) return undefined;
  return readFile(path, "utf8").then(
    (t) => JSON.parse(t) as Holder,
    () => undefined,
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
