// fleet's source reads the same everywhere: every file in src/ is as Prettier formats it
// (.prettierrc.json), and no line is longer than Prettier's printWidth of 160, which Prettier
// itself does not enforce on a long string, template or comment: those are broken up by hand.
import { readFile, readdir } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SRC = join(ROOT, "src");
const MAX = 160;

let sources: { file: string; path: string; text: string }[];

beforeAll(async () => {
  const files = (await readdir(SRC, { recursive: true, encoding: "utf8" })).filter((f) => f.endsWith(".ts")).sort();
  sources = await Promise.all(
    files.map(async (f) => {
      const path = join(SRC, f);
      return { file: relative(ROOT, path).split("\\").join("/"), path, text: await readFile(path, "utf8") };
    }),
  );
});

describe("fleet's source", () => {
  it("has no line over 160 characters", () => {
    const long: string[] = [];
    for (const { file, text } of sources) {
      text.split("\n").forEach((line, i) => {
        const length = [...line].length;
        if (length > MAX) long.push(`${file}:${i + 1} (${length} characters)`);
      });
    }
    expect(sources.length).toBeGreaterThan(0);
    expect(long, `lines over ${MAX} characters:\n${long.join("\n")}`).toEqual([]);
  });

  it("is formatted as Prettier formats it", async () => {
    const checked = await Promise.all(
      sources.map(async ({ file, path, text }) => {
        const config = await prettier.resolveConfig(path);
        return { file, formatted: await prettier.check(text, { ...config, filepath: path }) };
      }),
    );
    const unformatted = checked.filter((c) => !c.formatted).map((c) => c.file);
    expect(unformatted, `not formatted by Prettier (npm run format):\n${unformatted.join("\n")}`).toEqual([]);
  });
});
