import { describe, expect, it } from "vitest";
import { findCycles, topologicalOrder } from "../../src/plan/graph.js";

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

describe("dependency graph", () => {
  it("orders dependencies first, then by rank and id", () => {
    const edges = graph({ web: ["api", "auth"], api: ["db"], db: [], auth: [], docs: [] });
    const rank = (id: string) => (id === "docs" ? 2 : 1);
    const order = topologicalOrder(edges, rank);
    expect(order.indexOf("db")).toBeLessThan(order.indexOf("api"));
    expect(order.indexOf("api")).toBeLessThan(order.indexOf("web"));
    expect(order.indexOf("auth")).toBeLessThan(order.indexOf("web"));
    expect(order).toEqual(["auth", "db", "api", "web", "docs"]);
  });

  it("names each cycle once", () => {
    const cycles = findCycles(graph({ a: ["b"], b: ["c"], c: ["a"], d: ["d"], e: ["a"] }));
    expect(cycles).toEqual([["a", "b", "c", "a"], ["d", "d"]]);
    expect(() => topologicalOrder(graph({ a: ["b"], b: ["a"] }))).toThrow(/cycle/);
  });

  it("has no cycle in a diamond", () => {
    expect(findCycles(graph({ a: ["b", "c"], b: ["d"], c: ["d"], d: [] }))).toEqual([]);
  });
});
