import { describe, expect, it } from "vitest";
import { breakHardCycles, topologicalOrder } from "../../src/plan/graph.js";

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

  it("breaks each cycle of hard edges at one edge, in a fixed order, leaving an order", () => {
    const { edges, broken } = breakHardCycles(graph({ a: ["b"], b: ["c"], c: ["a"], e: ["a"] }));
    expect(broken).toEqual([["c", "a"]]);
    expect(topologicalOrder(edges)).toEqual(["c", "b", "a", "e"]);
    expect(() => topologicalOrder(graph({ a: ["b"], b: ["a"] }))).toThrow(/cycle/);
  });

  it("breaks nothing in a diamond", () => {
    expect(breakHardCycles(graph({ a: ["b", "c"], b: ["d"], c: ["d"], d: [] })).broken).toEqual([]);
  });
});
