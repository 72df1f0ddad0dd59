// The in-memory model both layouts are built from: every file is a small "doc" rendered from
// fixed facts plus a little mutable state, so an edit is a state change and a file never grows.
import type { ExampleTruth } from "./truth.js";

/** What history edits may change in a file; each field is visible in its rendered text. */
export interface DocState {
  rev: number;
  knob: number;
  flag: boolean;
}

/** "fixed" files change only through structural events (router, wrangler config, manifests). */
export type DocKind = "service" | "lib" | "test" | "doc" | "ci" | "fixed";

export interface Doc {
  path: string;
  kind: DocKind;
  /** Conventional-commit scope used when this file is edited. */
  scope: string;
  state: DocState;
  /** Values the knob may take; knob edits need at least two. */
  knobs: readonly number[];
  render(): string;
}

/** Paths written (rendered from their docs at commit time) and removed by one commit. */
export interface Change {
  write: string[];
  remove: string[];
}

/** A scripted step of the history: adding a service, renaming a file, bumping a date. */
export interface HistoryEvent {
  message: string;
  /** May be the first commit of a feature branch rather than a commit on main. */
  sideable?: boolean;
  apply(): Change;
}

export interface Layout {
  docs: Map<string, Doc>;
  /** In order; the first one is the root commit. */
  events: HistoryEvent[];
  /** What the final tree contains, computed from the model rather than read back. */
  truth(): ExampleTruth;
}

/** Creates a doc whose text is `render(state)`. */
export function makeDoc(path: string, kind: DocKind, scope: string, render: (state: DocState) => string, knobs: readonly number[] = []): Doc {
  const doc: Doc = {
    path,
    kind,
    scope,
    knobs,
    state: { rev: 1, knob: knobs[0] ?? 0, flag: false },
    render: () => render(doc.state),
  };
  return doc;
}

/** Adds docs to the model and returns the change that writes them. */
export function addDocs(docs: Map<string, Doc>, added: Doc[]): Change {
  for (const doc of added) docs.set(doc.path, doc);
  return { write: added.map((doc) => doc.path), remove: [] };
}

/** Moves a doc to a new path, keeping its state (so git sees an exact rename). */
export function moveDoc(docs: Map<string, Doc>, from: string, to: Doc): Change {
  const old = docs.get(from);
  if (!old) throw new Error(`no file ${from} to move`);
  docs.delete(from);
  to.state = old.state;
  docs.set(to.path, to);
  return { write: [to.path], remove: [from] };
}

/** The net effect of changes applied in order (a later removal cancels an earlier write). */
export function mergeChanges(...changes: Change[]): Change {
  const write = new Set<string>();
  const remove = new Set<string>();
  for (const change of changes) {
    for (const path of change.write) {
      remove.delete(path);
      write.add(path);
    }
    for (const path of change.remove) {
      write.delete(path);
      remove.add(path);
    }
  }
  return { write: [...write], remove: [...remove] };
}
