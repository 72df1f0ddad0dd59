// Triggers are entry points: a cron, a queue's messages or an email wake a worker as a request
// does. In the router layout the platform's default export holds the `scheduled`, `queue` and
// `email` handlers, and each call they make into a service module's function is a trigger of the
// worker whose code that is — chosen per cron (`switch (controller.cron)`, `if (event.cron ===
// "…")`) or per queue (`batch.queue`), or, unchosen, every cron or every consumed queue.
import { parseModule, walk, type AnyNode } from "./ast.js";
import { resolveRelative } from "./closure.js";
import { definingModule } from "./router.js";
import type { SourceTree } from "./source-tree.js";
import type { WranglerConfig } from "./wrangler-config.js";

export type TriggerKind = "cron" | "queue" | "email";

/** One trigger of a worker: what wakes it, the function it runs, and where the platform declares it. */
export interface Trigger {
  kind: TriggerKind;
  /** The cron schedule, the queue's name, or "email". */
  name: string;
  /** The service module's function the trigger runs. */
  file: string;
  export: string;
  /** The platform's config sections declaring it: "" for the top level, else the environment's name. */
  declaredBy: string[];
}

/** A call the router's `scheduled`/`queue`/`email` handler makes into a module of the repository. */
export interface TriggerCall {
  handler: "scheduled" | "queue" | "email";
  /** The cron or queue the call is chosen for; absent: every one. */
  selector?: string;
  /** The module defining the function (re-exports followed), and its name there. */
  file: string;
  export: string;
  /** The module the router imports it from, when that only re-exports it (a service module can). */
  via?: string;
}

const HANDLERS = { scheduled: "cron", queue: "queue", email: "email" } as const;
type Handler = keyof typeof HANDLERS;

/** The calls of the router's trigger handlers into the repository's modules (the router read once per tree). */
export function triggerCallsOf(tree: SourceTree, router: string): Promise<TriggerCall[]> {
  return tree.memo(`trigger-calls:${router}`, async () => {
    const code = await tree.read(router);
    return code === undefined ? [] : readTriggerCalls(tree, router, code);
  }) as Promise<TriggerCall[]>;
}

async function readTriggerCalls(tree: SourceTree, router: string, code: string): Promise<TriggerCall[]> {
  const ast = parseModule(code, router);
  const imports = new Map<string, { source: string; imported: string }>();
  for (const node of ast.body as AnyNode[]) {
    if (node.type !== "ImportDeclaration") continue;
    for (const spec of node.specifiers) {
      if (spec.type === "ImportSpecifier") imports.set(spec.local.name, { source: node.source.value, imported: spec.imported.name ?? spec.imported.value });
    }
  }
  const found: { handler: Handler; selector?: string; local: string }[] = [];
  for (const [handler, body] of triggerHandlers(ast)) {
    walk(body, {
      CallExpression(node, ancestors) {
        if (node.callee.type !== "Identifier" || !imports.has(node.callee.name)) return;
        const selector = selectorOf(node, [...ancestors], HANDLERS[handler] === "email" ? undefined : HANDLERS[handler]);
        found.push({ handler, local: node.callee.name, ...(selector ? { selector } : {}) });
      },
    });
  }
  const calls: TriggerCall[] = [];
  for (const call of found) {
    const origin = imports.get(call.local)!;
    if (!origin.source.startsWith(".")) continue;
    const target = resolveRelative(tree, router, origin.source);
    if (!target) continue;
    const defined = await definingModule(tree, target, origin.imported);
    const via = defined.file !== target ? { via: target } : {};
    calls.push({ handler: call.handler, ...(call.selector ? { selector: call.selector } : {}), file: defined.file, export: defined.imported, ...via });
  }
  return calls;
}

/** `export default { scheduled() {…}, queue: async (…) => {…} }`, or a const object exported by name. */
function triggerHandlers(ast: AnyNode): [Handler, AnyNode][] {
  const declaration = (ast.body as AnyNode[]).find((n) => n.type === "ExportDefaultDeclaration")?.declaration;
  let object = declaration?.type === "ObjectExpression" ? declaration : undefined;
  if (declaration?.type === "Identifier") {
    walk(ast, {
      VariableDeclarator(node) {
        if (node.id.type === "Identifier" && node.id.name === declaration.name && node.init?.type === "ObjectExpression") object = node.init;
      },
    });
  }
  const out: [Handler, AnyNode][] = [];
  for (const prop of (object?.properties ?? []) as AnyNode[]) {
    const key = prop.key?.type === "Identifier" ? prop.key.name : prop.key?.value;
    if (prop.type === "Property" && key in HANDLERS && prop.value) out.push([key as Handler, prop.value]);
  }
  return out;
}

/**
 * The literal a call is chosen by: the `case "…":` of a switch on `<x>.cron` / `<x>.queue`
 * holding it, or an `if (<x>.cron === "…")` whose branch holds it.
 */
function selectorOf(call: AnyNode, ancestors: AnyNode[], field: "cron" | "queue" | undefined): string | undefined {
  if (!field) return undefined;
  const chain = [...ancestors, call];
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const node = ancestors[i]!;
    const child = chain[i + 1]!;
    if (node.type === "SwitchCase" && ancestors[i - 1]?.type === "SwitchStatement" && isField(ancestors[i - 1]!.discriminant, field)) {
      const test = node.test;
      if (test?.type === "Literal" && typeof test.value === "string") return test.value;
    }
    if (node.type === "IfStatement" && node.consequent === child) {
      const literal = comparedLiteral(node.test, field);
      if (literal) return literal;
    }
  }
  return undefined;
}

function isField(node: AnyNode | undefined, field: string): boolean {
  return node?.type === "MemberExpression" && !node.computed && node.property?.name === field;
}

function comparedLiteral(test: AnyNode, field: string): string | undefined {
  if (test.type !== "BinaryExpression" || (test.operator !== "===" && test.operator !== "==")) return undefined;
  const [a, b] = [test.left, test.right];
  if (isField(a, field) && b.type === "Literal" && typeof b.value === "string") return b.value;
  if (isField(b, field) && a.type === "Literal" && typeof a.value === "string") return a.value;
  return undefined;
}

/** Every cron and consumed queue of a config, with the sections declaring each ("" = top level). */
export function declaredTriggers(config: WranglerConfig | undefined): { crons: Map<string, string[]>; queues: Map<string, string[]> } {
  const crons = new Map<string, string[]>();
  const queues = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, name: string, section: string) => map.set(name, [...(map.get(name) ?? []), section]);
  if (!config) return { crons, queues };
  for (const cron of config.crons) add(crons, cron, "");
  for (const queue of config.queueConsumers) add(queues, queue, "");
  for (const [env, section] of config.environments) {
    for (const cron of section.crons ?? []) add(crons, cron, env);
    for (const queue of section.queueConsumers) add(queues, queue, env);
  }
  return { crons, queues };
}

/**
 * The triggers of the worker whose service module is `file`: each call of the router's trigger
 * handlers into it, named by its selector or, unchosen, by every cron or queue the platform
 * declares. A trigger the router chooses but the platform no longer declares (moved at cutover)
 * is listed with no section.
 */
export function triggersOf(calls: readonly TriggerCall[], file: string, platform: WranglerConfig | undefined): Trigger[] {
  const declared = declaredTriggers(platform);
  const out = new Map<string, Trigger>();
  // the function is the worker's whether its module defines it or re-exports it
  for (const call of calls.filter((c) => c.file === file || c.via === file)) {
    const kind = HANDLERS[call.handler];
    const pool = kind === "cron" ? declared.crons : kind === "queue" ? declared.queues : new Map([["email", [] as string[]]]);
    const names = call.selector !== undefined ? [call.selector] : [...pool.keys()];
    for (const name of names) out.set(`${kind}:${name}`, { kind, name, file: call.file, export: call.export, declaredBy: pool.get(name) ?? [] });
  }
  return [...out.values()].sort((a, b) => (a.kind === b.kind ? (a.name < b.name ? -1 : 1) : a.kind < b.kind ? -1 : 1));
}

/** A worker's own config's triggers (directories layout): it runs them itself. */
export function ownTriggers(config: WranglerConfig | undefined, main: string | undefined): Trigger[] {
  const { crons, queues } = declaredTriggers(config);
  const of = (kind: TriggerKind, map: Map<string, string[]>) =>
    [...map].map(([name, declaredBy]): Trigger => ({ kind, name, file: main ?? "", export: "default", declaredBy }));
  return [...of("cron", crons), ...of("queue", queues)];
}
