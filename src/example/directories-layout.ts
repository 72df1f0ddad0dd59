// The directories layout as a scripted history: one folder per worker, added over time, with a
// rename inside a worker and a shared file that moves into the worker that uses it.
import { bindingFor } from "./bindings.js";
import { domainOf, EXTERNAL, SERVICES, type ServiceSpec } from "./catalog.js";
import { ciDoc, docsDoc, gitignoreDoc, jsonDoc, readmeDoc } from "./common-files.js";
import { serviceDependencies } from "./dependencies.js";
import * as files from "./directories-files.js";
import { PAGE_SIZES } from "./handler.js";
import { addDocs, makeDoc, mergeChanges, moveDoc, type Change, type Doc, type HistoryEvent, type Layout } from "./model.js";
import type { Random } from "./random.js";
import { partitionReads, type ExampleTruth, type TruthService } from "./truth.js";

const BASES: Record<string, string> = { chat: "apps", forms: "apps", canon: "services" };
/** Its helper module starts as src/util.js and is renamed to src/lib.js. */
const RENAMED_LIB_WORKER = "score";
/** Imports shared/format.js until that file moves into the worker. */
const FORMAT_WORKER = "billing";
const SHARED_FORMAT = "shared/format.js";

function shapeOf(spec: ServiceSpec, index: number): files.WorkerShape {
  return {
    spec,
    dir: `${BASES[spec.id] ?? "workers"}/${spec.id}`,
    config: index % 3 === 1 ? "jsonc" : "toml",
    libs: files.workerLibs(spec),
  };
}

export function directoriesLayout(rng: Random): Layout {
  const shapes = SERVICES.map(shapeOf);
  const docs = new Map<string, Doc>();
  let utilRenamed = false;
  let formatMoved = false;
  const libFile = (shape: files.WorkerShape) => (shape.spec.id === RENAMED_LIB_WORKER && !utilRenamed ? "util.js" : "lib.js");
  const formatShape = shapes.find((shape) => shape.spec.id === FORMAT_WORKER)!;
  formatShape.formatFrom = () => (formatMoved ? "./format.js" : "../../../" + SHARED_FORMAT);

  const tuned = (doc: Doc) => {
    if (doc.knobs.length > 0) doc.state.knob = rng.pick(doc.knobs);
    return doc;
  };
  const indexPath = (shape: files.WorkerShape) => `${shape.dir}/src/index.js`;
  const libDoc = (shape: files.WorkerShape) =>
    tuned(
      makeDoc(
        `${shape.dir}/src/${libFile(shape)}`,
        "lib",
        shape.spec.label,
        (s) => files.renderWorkerLib(shape, s),
        shape.libs.includes("cache") ? [60, 300, 900] : [],
      ),
    );
  const formatDoc = (path: string) => makeDoc(path, "lib", "shared", (s) => `// revision ${s.rev}\n${files.FORMAT_SOURCE}`);
  const workerDocs = (shape: files.WorkerShape): Doc[] => [
    makeDoc(files.wranglerPath(shape), "fixed", shape.spec.label, () => files.renderWorkerConfig(shape)),
    jsonDoc(`${shape.dir}/package.json`, () => files.workerPackageJson(shape)),
    tuned(makeDoc(indexPath(shape), "service", shape.spec.label, (s) => files.renderWorkerIndex(shape, s, libFile(shape)), PAGE_SIZES)),
    ...(shape.libs.length > 0 ? [libDoc(shape)] : []),
  ];
  const testDoc = (shape: files.WorkerShape) => makeDoc(`${shape.dir}/test/index.test.js`, "test", shape.spec.label, (s) => files.renderWorkerTest(shape, s));
  const docsSite = [
    jsonDoc("workers/docs-site/package.json", () => ({ name: "@chittyos/docs-site", private: true, scripts: { build: "vitepress build content" } })),
    makeDoc("workers/docs-site/content/getting-started.md", "doc", "docs-site", (s) =>
      [
        "# Getting started",
        "",
        `<!-- revision ${s.rev} -->`,
        "",
        "Every service answers `GET /health`.",
        ...(s.flag ? ["", "Ask in the platform channel when a health check fails."] : []),
        "",
      ].join("\n"),
    ),
  ];

  const events: HistoryEvent[] = [];
  const event = (message: string, apply: () => Change, sideable = false) => events.push({ message, apply, sideable });
  const initial = shapes.filter((shape) => shape.spec.initial);
  event("chore: scaffold the workers monorepo", () =>
    addDocs(docs, [
      jsonDoc("package.json", files.rootWorkspacePackageJson),
      gitignoreDoc(),
      readmeDoc("directories"),
      formatDoc(SHARED_FORMAT),
      ...docsSite,
      ...initial.flatMap(workerDocs),
    ]),
  );
  event("docs: add architecture overview", () => addDocs(docs, [docsDoc("architecture")]));
  event("ci: run tests on pull requests", () => addDocs(docs, [ciDoc("npm test --workspaces --if-present")]));

  const pendingTests = initial.filter((shape) => shape.spec.test);
  const flushTest = () => {
    const shape = pendingTests.shift();
    if (shape) event(`test(${shape.spec.label}): cover the health endpoint`, () => addDocs(docs, [testDoc(shape)]));
  };
  flushTest();
  for (const shape of shapes.filter((s) => !s.spec.initial)) {
    event(`feat(${shape.spec.label}): add ${shape.spec.id} worker`, () => addDocs(docs, workerDocs(shape)), true);
    if (shape.spec.test) pendingTests.push(shape);
    flushTest();
    const id = shape.spec.id;
    if (id === "chat") event("docs: add incident runbook", () => addDocs(docs, [docsDoc("runbook")]));
    if (id === "notary") event(`refactor(${RENAMED_LIB_WORKER}): rename util module to lib`, renameUtil);
    if (id === "finance") event(`refactor(${formatShape.spec.label}): move money formatting into the worker`, moveFormat);
    if (id === "forms") event("docs: add onboarding guide", () => addDocs(docs, [docsDoc("onboarding")]));
  }
  while (pendingTests.length > 0) flushTest();

  function renameUtil(): Change {
    const shape = shapes.find((s) => s.spec.id === RENAMED_LIB_WORKER)!;
    const from = `${shape.dir}/src/${libFile(shape)}`;
    utilRenamed = true;
    return mergeChanges(moveDoc(docs, from, libDoc(shape)), { write: [indexPath(shape)], remove: [] });
  }
  function moveFormat(): Change {
    formatMoved = true;
    const moved = moveDoc(docs, SHARED_FORMAT, formatDoc(`${formatShape.dir}/src/format.js`));
    return mergeChanges(moved, { write: [indexPath(formatShape)], remove: [] });
  }

  return { docs, events, truth: () => directoriesTruth(shapes) };
}

function directoriesTruth(shapes: files.WorkerShape[]): ExampleTruth {
  const services = shapes.map((shape): TruthService => {
    const defined = new Set(files.workerBindings(shape).map((binding) => binding.name));
    const reads = files.workerReads(shape);
    return {
      id: shape.spec.id,
      domain: domainOf(shape.spec),
      dir: shape.dir,
      wranglerFile: files.wranglerPath(shape),
      ...partitionReads(reads, defined),
      ...serviceDependencies(shape.spec.id, reads, shape.spec.urls ?? [], shape.spec.npm ?? []),
    };
  });
  return {
    layout: "directories",
    org: "chittyos",
    zone: "chitty.cc",
    services: services.sort((a, b) => (a.id < b.id ? -1 : 1)),
    external: EXTERNAL.filter((ext) => bindingFor(ext.binding)).map((ext) => ({ ...ext })),
    placeholders: [],
  };
}
