// A generator of broken manifests, from a valid one: wrong types, missing fields, unknown keys,
// hostile ids and domains, cycles, syntax errors, invalid UTF-8, huge files — deterministic, so a
// failure names the case that broke.
import { applyEdits, modify, parse } from "jsonc-parser";

export interface BrokenManifest {
  name: string;
  bytes: Buffer;
}

const WRONG_VALUES: unknown[] = [42, -1, 1.5, true, null, "", "text", [], ["a"], {}, { nested: 1 }];
const HOSTILE_IDS = ["../x", "..", ".git", "A", "UPPER", "a b", "a/b", "a\\b", "ü", "a".repeat(41), "$(touch pwned)", "`id`", "a\u0000b", "x;rm -rf /", "%2e%2e", "\u202eevil", "a\nb"];
const HOSTILE_DOMAINS = ["http://x.cc", "x", "x.", ".x.cc", "a..b.cc", "*.x.cc", "x.cc/path", "x.cc:8080", "ÄÖ.cc", "-x.cc", "x-.cc", `${"a".repeat(64)}.cc`, `${"a.".repeat(130)}cc`, "x cc", "x.c", "127.0.0.1", "X.CC", ""];

export function brokenManifests(validText: string): BrokenManifest[] {
  const valid = parse(validText) as { workers: Record<string, Record<string, unknown>> };
  const ids = Object.keys(valid.workers);
  const first = ids.find((id) => !valid.workers[id]!.external)!;
  const second = ids.find((id) => id !== first && !valid.workers[id]!.external)!;
  const out: BrokenManifest[] = [];
  const text = (name: string, t: string) => out.push({ name, bytes: Buffer.from(t, "utf8") });
  const edit = (name: string, path: (string | number)[], value: unknown) => text(name, applyEdits(validText, modify(validText, path, value, {})));

  // wrong types at every level: every value not of the field's own type
  type Kind = "string" | "array" | "object" | "int";
  const fields: [(string | number)[], Kind][] = [
    [["org"], "string"], [["repoName"], "string"], [["zone"], "string"], [["topics"], "array"], [["secrets"], "array"], [["monorepo"], "object"],
    [["monorepo", "layout"], "string"], [["monorepo", "branch"], "string"], [["monorepo", "router"], "string"], [["providers"], "object"],
    [["providers", "forge"], "string"], [["providers", "cloud"], "string"], [["providers", "registry"], "string"], [["workers"], "object"],
    [["topics", 0], "string"], [["secrets", 0], "string"],
  ];
  // the same for several workers' fields
  for (const id of ids.filter((x) => !valid.workers[x]!.external).slice(0, 6)) {
    fields.push(
      [["workers", id], "object"], [["workers", id, "domain"], "string"], [["workers", id, "phase"], "int"], [["workers", id, "week"], "int"],
      [["workers", id, "dependsOn"], "array"], [["workers", id, "name"], "string"], [["workers", id, "source"], "object"],
      [["workers", id, "source", "file"], "string"], [["workers", id, "source", "style"], "string"], [["workers", id, "source", "include"], "array"],
      [["workers", id, "external"], "string"], [["workers", id, "dependsOn", 0], "string"], [["workers", id, "description"], "string"],
    );
  }
  const kindOf = (v: unknown): Kind | "other" => (typeof v === "string" ? "string" : Array.isArray(v) ? "array" : v !== null && typeof v === "object" ? "object" : Number.isInteger(v) ? "int" : "other");
  for (const [path, kind] of fields) {
    for (const [i, value] of WRONG_VALUES.entries()) {
      if (kindOf(value) === kind) continue;
      // an int field's wrong values include out-of-range whole numbers; an object field's, arrays
      edit(`wrong type ${path.join(".")} #${i}`, path, value);
    }
  }
  // required fields missing
  for (const path of [["org"], ["zone"], ["monorepo"], ["monorepo", "layout"], ["workers"]]) edit(`missing ${path.join(".")}`, path, undefined);
  // unknown keys at each level
  for (const [i, path] of [[], ["monorepo"], ["providers"], ["workers", first], ["workers", first, "source"]].entries()) {
    for (const key of ["orgg", "Workers", "dependson", "__proto__", "constructor", "x".repeat(300)]) edit(`unknown key ${key.slice(0, 12)} at level ${i}`, [...path, key], 1);
  }
  // hostile ids, as keys and in dependsOn
  for (const id of HOSTILE_IDS) {
    const renamed = applyEdits(validText, modify(validText, ["workers", id], valid.workers[first], {}));
    text(`hostile id ${JSON.stringify(id)}`, renamed);
    edit(`hostile dependsOn ${JSON.stringify(id)}`, ["workers", first, "dependsOn"], [id]);
  }
  for (const domain of HOSTILE_DOMAINS) {
    edit(`hostile domain ${JSON.stringify(domain)}`, ["workers", first, "domain"], domain);
    edit(`hostile zone ${JSON.stringify(domain)}`, ["zone"], domain);
  }
  // values the schema allows one by one but not together
  edit("duplicate domain", ["workers", second, "domain"], valid.workers[first]!.domain ?? "dup.chitty.cc");
  edit("self dependency", ["workers", first, "dependsOn"], [first]);
  edit("phase zero", ["workers", first, "phase"], 0);
  edit("repoName without {service}", ["repoName"], "chittyos-worker");
  edit("repoName with a slash", ["repoName"], "../{service}");
  edit("source both dir and file", ["workers", first, "source"], { dir: "workers/x", file: "src/x.js" });
  edit("path out of the repository", ["workers", first, "source", "file"], "../outside.js");
  edit("absolute path", ["workers", first, "source", "file"], "/etc/passwd");
  edit("external not a URL", ["workers", first, "external"], "not a url");
  edit("registry not a URL", ["providers", "registry"], "ftp//x");
  // syntax
  for (let cut = 1; cut < 150; cut++) text(`truncated at ${(cut / 1.5).toFixed(1)}%`, validText.slice(0, Math.floor((validText.length * cut) / 150)));
  for (const garbage of ["}", "{", "]", ",,", "x", "/*", "// ok\n{", "\u0000", "'single'", "NaN", "undefined", "0x1F"]) text(`trailing ${JSON.stringify(garbage)}`, `${validText}${garbage}`);
  text("empty file", "");
  text("only a comment", "// nothing here\n");
  text("an array", "[]");
  text("a string", '"fleet"');
  text("null", "null");
  text("unterminated comment", `/* ${validText}`);
  text("unterminated string", validText.replace(/"org": "([^"]*)"/, '"org": "$1'));
  // invalid UTF-8 in a value and in a comment
  for (const bytes of [[0xff], [0xfe, 0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80]]) {
    const at = validText.indexOf('"org"');
    out.push({ name: `invalid UTF-8 ${bytes.map((b) => b.toString(16)).join(" ")}`, bytes: Buffer.concat([Buffer.from(validText.slice(0, at)), Buffer.from(bytes), Buffer.from(validText.slice(at))]) });
    out.push({ name: `invalid UTF-8 in a name ${bytes.map((b) => b.toString(16)).join(" ")}`, bytes: Buffer.concat([Buffer.from(applyEdits(validText, modify(validText, ["workers", first, "name"], "NAME", {})).split('"NAME"')[0]!), Buffer.from('"N'), Buffer.from(bytes), Buffer.from('E"'), Buffer.from(applyEdits(validText, modify(validText, ["workers", first, "name"], "NAME", {})).split('"NAME"')[1]!)]) });
  }
  // huge: many MB of workers, with one problem at the end
  const many = Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`w${i}`, { domain: `w${i}.chitty.cc`, phase: 1, dependsOn: [], source: { file: `src/services/w${i}.js` } }]));
  text("huge: 40,000 workers and an unknown key", JSON.stringify({ ...(parse(validText) as object), workers: { ...many, [`w0`]: { ...many.w0, bogus: true } } }));
  text("huge: 8 MB of comment then a syntax error", `${"// padding padding padding padding padding padding padding padding\n".repeat(120_000)}{ "org": }`);
  return out;
}
