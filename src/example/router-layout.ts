// The router layout as a scripted history: a platform worker that grows from four services
// to the whole catalog, with moves out of src/handlers/ and one shared module renamed.
import { BINDINGS } from "./bindings.js";
import { domainOf, EXTERNAL, handlerName, SERVICES, serviceById, type LibKey, type ServiceSpec } from "./catalog.js";
import { ciDoc, docsDoc, gitignoreDoc, jsonDoc, readmeDoc } from "./common-files.js";
import { PAGE_SIZES } from "./handler.js";
import { libClosure, LIBS, renderLib } from "./libs.js";
import { addDocs, makeDoc, mergeChanges, moveDoc, type Change, type Doc, type HistoryEvent, type Layout } from "./model.js";
import type { Random } from "./random.js";
import * as files from "./router-files.js";
import { DANGLING_SPECIFIER, renderService } from "./router-service.js";
import { serviceDependencies } from "./dependencies.js";
import { partitionReads, sorted, type ExampleTruth, type TruthService } from "./truth.js";

const INITIAL_LIBS: LibKey[] = ["context", "headers", "response", "logger", "pagination", "db", "validate", "ids"];
/** The pagination module starts life under its old name. */
const OLD_PAGINATION = "paging.js";
const HELPER_USER = "ai-gateway";
const MOVES_AFTER: Record<string, string> = { notary: "canon", mail: "beacon", audit: "docs" };

export function routerLayout(rng: Random): Layout {
  const world: files.RouterWorld = {
    present: [],
    folder: new Map(),
    libNames: new Map(),
    forwarding: false,
    placeholders: false,
    compatDate: "2024-01-01",
  };
  const docs = new Map<string, Doc>();
  const libFile = (key: LibKey) => world.libNames.get(key) ?? `${key}.js`;
  const tuned = (doc: Doc) => {
    if (doc.knobs.length > 0) doc.state.knob = rng.pick(doc.knobs);
    return doc;
  };
  const serviceDoc = (spec: ServiceSpec) =>
    tuned(makeDoc(files.servicePath(world, spec), "service", spec.label, (s) => renderService(spec, s, libFile), PAGE_SIZES));
  const libDoc = (key: LibKey) => tuned(makeDoc(`src/lib/${libFile(key)}`, "lib", "lib", (s) => renderLib(key, s, libFile), LIBS[key].knobs));
  const testPath = (spec: ServiceSpec) => `test/${spec.id}.test.js`;
  const testDoc = (spec: ServiceSpec) =>
    makeDoc(testPath(spec), "test", spec.label, (s) => files.renderServiceTest(spec, s, files.servicePath(world, spec), spec.id === HELPER_USER));
  const platform: Change = { write: [files.ROUTER_FILE, files.WRANGLER_FILE], remove: [] };
  const routerOnly: Change = { write: [files.ROUTER_FILE], remove: [] };

  const join = (spec: ServiceSpec) => {
    world.present.push(spec);
    world.folder.set(spec.id, spec.legacy ? "handlers" : "services");
    return serviceDoc(spec);
  };
  const addLibs = (keys: LibKey[]) => {
    for (const key of keys) world.libNames.set(key, key === "pagination" ? OLD_PAGINATION : `${key}.js`);
    return addDocs(docs, keys.map(libDoc));
  };

  const events: HistoryEvent[] = [];
  const event = (message: string, apply: () => Change, sideable = false) => events.push({ message, apply, sideable });

  event("chore: scaffold the platform worker", () =>
    mergeChanges(
      addLibs(INITIAL_LIBS),
      addDocs(docs, [
        jsonDoc("package.json", files.rootPackageJson),
        gitignoreDoc(),
        readmeDoc("router"),
        ...SERVICES.filter((spec) => spec.initial).map(join),
        makeDoc(files.ROUTER_FILE, "fixed", "router", () => files.renderRouter(world)),
        makeDoc(files.WRANGLER_FILE, "fixed", "config", () => files.renderRouterWrangler(world)),
      ]),
    ),
  );
  event("docs: add architecture overview", () => addDocs(docs, [docsDoc("architecture")]));
  event("ci: run tests on pull requests", () => addDocs(docs, [ciDoc("npx vitest run")]));

  const pendingTests = SERVICES.filter((spec) => spec.initial && spec.test);
  const flushTest = () => {
    const spec = pendingTests.shift();
    if (!spec) return;
    if (spec.id === HELPER_USER) {
      event(`test(${spec.label}): add shared test helpers`, () =>
        addDocs(docs, [makeDoc(files.HELPERS_FILE, "test", "test", files.renderHelpers), testDoc(spec)]),
      );
    } else event(`test(${spec.label}): cover the health endpoint`, () => addDocs(docs, [testDoc(spec)]));
  };
  flushTest();
  flushTest();

  const known = new Set<LibKey>(INITIAL_LIBS);
  for (const spec of SERVICES.filter((s) => !s.initial)) {
    const missing = libClosure(spec.libs).filter((key) => !known.has(key));
    if (missing.length > 0) {
      missing.forEach((key) => known.add(key));
      event(`feat(lib): add ${missing.join(" and ")} helpers`, () => addLibs(missing));
    }
    event(`feat(${spec.label}): add ${spec.id} service`, () => mergeChanges(addDocs(docs, [join(spec)]), platform), true);
    if (spec.test) pendingTests.push(spec);
    flushTest();
    const moved = MOVES_AFTER[spec.id];
    if (moved) event(`refactor(${serviceById(moved).label}): move handler into src/services`, () => moveService(serviceById(moved)));
    if (spec.id === "ai-gateway") {
      event("feat(router): forward id and auth hostnames to their workers", () => ((world.forwarding = true), routerOnly));
    }
    if (spec.id === "chat") event("docs: add incident runbook", () => addDocs(docs, [docsDoc("runbook")]));
    if (spec.id === "schema") event("chore: bump compatibility date", () => bumpCompat("2024-09-23"));
    if (spec.id === "finance") event("refactor(lib): rename paging helpers to pagination", renamePagination);
    if (spec.id === "webhooks") {
      event("chore(router): reserve beta and status hostnames", () => ((world.placeholders = true), routerOnly));
    }
    if (spec.id === "forms") event("docs: add onboarding guide", () => addDocs(docs, [docsDoc("onboarding")]));
  }
  while (pendingTests.length > 0) flushTest();
  event("chore: bump compatibility date", () => bumpCompat("2025-09-01"));

  function moveService(spec: ServiceSpec): Change {
    const from = files.servicePath(world, spec);
    world.folder.set(spec.id, "services");
    const tests = docs.has(testPath(spec)) ? [testPath(spec)] : [];
    return mergeChanges(moveDoc(docs, from, serviceDoc(spec)), routerOnly, { write: tests, remove: [] });
  }
  function renamePagination(): Change {
    const from = `src/lib/${libFile("pagination")}`;
    world.libNames.set("pagination", "pagination.js");
    const importers = world.present.filter((spec) => spec.libs.includes("pagination"));
    const libImporters = [...world.libNames.keys()].filter((key) => LIBS[key].imports.includes("pagination"));
    return mergeChanges(moveDoc(docs, from, libDoc("pagination")), {
      write: [...importers.map((spec) => files.servicePath(world, spec)), ...libImporters.map((key) => `src/lib/${libFile(key)}`)],
      remove: [],
    });
  }
  function bumpCompat(date: string): Change {
    world.compatDate = date;
    return { write: [files.WRANGLER_FILE], remove: [] };
  }

  return { docs, events, truth: routerTruth };
}

function routerTruth(): ExampleTruth {
  const defined = new Set(BINDINGS.map((binding) => binding.name));
  const services = SERVICES.map((spec): TruthService => {
    const libs = libClosure(spec.libs);
    const file = `src/services/${spec.id}.js`;
    const reads = [...spec.env, ...libs.flatMap((key) => LIBS[key].env)];
    const npm = [...(spec.npm ?? []), ...libs.flatMap((key) => LIBS[key].npm)];
    return {
      id: spec.id,
      domain: domainOf(spec),
      file,
      export: handlerName(spec.id),
      style: spec.style,
      closure: sorted([file, ...libs.map((key) => `src/lib/${key}.js`)]),
      tests: spec.test ? [`test/${spec.id}.test.js`] : [],
      danglingImports: spec.dangling ? [{ from: file, specifier: DANGLING_SPECIFIER }] : [],
      ...partitionReads(reads, defined),
      ...serviceDependencies(spec.id, spec.env, spec.urls ?? [], npm),
      triggers: spec.triggers
        ? [
            { kind: "cron", name: spec.triggers.cron.schedule, export: spec.triggers.cron.run },
            { kind: "queue", name: spec.triggers.queue.name, export: spec.triggers.queue.run },
          ]
        : [],
    };
  });
  return {
    layout: "router",
    org: "chittyos",
    zone: "chitty.cc",
    routerFile: files.ROUTER_FILE,
    wranglerConfig: files.WRANGLER_FILE,
    contextModule: files.CONTEXT_MODULE,
    services: services.sort((a, b) => (a.id < b.id ? -1 : 1)),
    external: EXTERNAL.map((ext) => ({ ...ext })),
    placeholders: [...files.PLACEHOLDERS],
  };
}
