// Small edits the history makes again and again. Each changes a doc's visible state and
// returns a conventional commit subject. Subjects never carry hex-looking words or long
// numbers, because history tools rewrite anything that looks like an abbreviated commit id.
import type { Doc } from "./model.js";
import type { Random } from "./random.js";

const SERVICE_FIXES = [
  "fix({scope}): handle empty request bodies",
  "refactor({scope}): tidy request handling",
  "fix({scope}): return JSON errors consistently",
  "chore({scope}): update revision marker",
  "refactor({scope}): simplify route matching",
  "fix({scope}): guard against missing headers",
];
const TEST_TIDY = ["test({scope}): tidy assertions", "test({scope}): rename cases for clarity", "test({scope}): share request setup"];
const DOC_TIDY = ["docs({scope}): fix typos", "docs({scope}): refresh examples", "docs({scope}): reword for new joiners"];
const LIB_TIDY = ["refactor({scope}): simplify {name} helpers", "fix({scope}): harden {name} edge cases", "docs({scope}): clarify {name} usage"];
const CI_TIDY = ["ci: tidy workflow steps", "ci: pin checkout action", "ci: name workflow jobs"];

/** The file's base name without extension, e.g. `cache` for src/lib/cache.js. */
function baseName(path: string): string {
  const file = path.slice(path.lastIndexOf("/") + 1);
  return file.slice(0, file.indexOf(".") > 0 ? file.indexOf(".") : undefined).toLowerCase();
}

function fill(template: string, doc: Doc): string {
  return template.replace("{scope}", doc.scope).replace("{name}", baseName(doc.path));
}

function bump(doc: Doc, rng: Random, templates: readonly string[]): string {
  doc.state.rev++;
  return fill(rng.pick(templates), doc);
}

function retune(doc: Doc, rng: Random): number {
  const others = doc.knobs.filter((value) => value !== doc.state.knob);
  doc.state.knob = rng.pick(others);
  return doc.state.knob;
}

/** Applies one random edit to `doc` and returns the commit subject describing it. */
export function editDoc(doc: Doc, rng: Random): string {
  const roll = rng.next();
  const canTune = doc.knobs.length > 1;
  switch (doc.kind) {
    case "service":
      if (roll < 0.25 && canTune) return `perf(${doc.scope}): set page size to ${retune(doc, rng)}`;
      if (roll < 0.5) {
        doc.state.flag = !doc.state.flag;
        return doc.state.flag ? `feat(${doc.scope}): add version endpoint` : `refactor(${doc.scope}): drop version endpoint`;
      }
      return bump(doc, rng, SERVICE_FIXES);
    case "lib":
      if (roll < 0.3 && canTune) {
        retune(doc, rng);
        return fill("perf({scope}): tune {name} defaults", doc);
      }
      return bump(doc, rng, LIB_TIDY);
    case "test":
      if (roll < 0.4) {
        doc.state.flag = !doc.state.flag;
        return doc.state.flag ? `test(${doc.scope}): cover unknown paths` : `test(${doc.scope}): drop redundant not-found case`;
      }
      return bump(doc, rng, TEST_TIDY);
    case "doc":
      if (roll < 0.4) {
        doc.state.flag = !doc.state.flag;
        return fill(doc.state.flag ? "docs({scope}): expand {name}" : "docs({scope}): trim {name}", doc);
      }
      return bump(doc, rng, DOC_TIDY);
    case "ci":
      if (roll < 0.4 && canTune) return `ci: run on node ${retune(doc, rng)}`;
      if (roll < 0.6) {
        doc.state.flag = !doc.state.flag;
        return doc.state.flag ? "ci: cache npm downloads" : "ci: stop caching npm downloads";
      }
      return bump(doc, rng, CI_TIDY);
    case "fixed":
      throw new Error(`${doc.path} only changes through scripted events`);
  }
}

/** A version-marker bump, for commits that touch many services at once. */
export function bumpRevision(doc: Doc): void {
  doc.state.rev++;
}
