// `fleet --help`, each command's help and the README's command table must tell the same story:
// the same commands, and for each the same options as the command declares.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { runFleet } from "../helpers/run.js";

const GLOBAL = new Set(["--config", "--cwd", "--json", "--verbose", "--no-color", "--help", "--version"]);

const flags = (text: string) => new Set([...text.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]).filter((f) => !GLOBAL.has(f)));
const sorted = (set: Set<string>) => [...set].sort();

async function readmeTable(): Promise<Map<string, string>> {
  const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## Commands"), readme.indexOf("\n## ", readme.indexOf("## Commands") + 1));
  const rows = new Map<string, string>();
  for (const [, usage] of section.matchAll(/^\| `fleet ([^`]+)` \|/gm)) rows.set(usage!.split(" ")[0]!, usage!.replaceAll("\\|", "|"));
  return rows;
}

async function helpCommands(): Promise<string[]> {
  const help = await runFleet(["--help"]);
  const block = help.stdout.slice(help.stdout.indexOf("Commands:\n") + 10, help.stdout.indexOf("\n\nGlobal options:"));
  return block.split("\n").map((line) => line.trim().split(/\s+/)[0]!);
}

async function commandHelp(name: string): Promise<{ usage: Set<string>; options: Set<string> }> {
  const { code, stdout } = await runFleet([name, "--help"]);
  expect(code).toBe(0);
  const usage = /^Usage: fleet (.*)$/m.exec(stdout)![1]!;
  const optionsBlock = stdout.includes("\nOptions:\n") ? stdout.slice(stdout.indexOf("\nOptions:\n"), stdout.indexOf("\nGlobal options:")) : "";
  const options = new Set([...optionsBlock.matchAll(/^\s+(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1]!));
  return { usage: flags(usage), options };
}

describe("help and the README's command table", () => {
  it("list the same commands", async () => {
    expect([...(await readmeTable()).keys()].sort()).toEqual((await helpCommands()).sort());
  });

  it("give each command exactly the options it declares", async () => {
    const table = await readmeTable();
    for (const name of await helpCommands()) {
      const { usage, options } = await commandHelp(name);
      expect(sorted(usage), `fleet ${name}: the usage line of --help`).toEqual(sorted(options));
      expect(sorted(flags(table.get(name)!)), `fleet ${name}: the README's row`).toEqual(sorted(options));
    }
  });

  it("says what demo and deploy do today", async () => {
    const help = (await runFleet(["--help"])).stdout;
    expect(help).toMatch(/^ {2}demo +the whole migration/m);
    expect(help).toMatch(/^ {2}deploy +.*Cloudflare/m);
    expect((await runFleet(["deploy", "--help"])).stdout).toMatch(/providers\.cloud cloudflare/);
  });
});
