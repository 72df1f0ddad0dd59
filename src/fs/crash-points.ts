// Named points where a test can have fleet killed (SIGKILL, no clean-up) to prove that a crash
// anywhere leaves either the old state or the new one. FLEET_CRASH_AT=<name> arms one point.

export type CrashPoint = "split:after-import" | "split:after-refs" | "split:during-cache" | "sync:after-merge-commit" | "sync:after-push";

export function crashPoint(name: CrashPoint): void {
  if (process.env.FLEET_CRASH_AT === name) process.kill(process.pid, "SIGKILL");
}
