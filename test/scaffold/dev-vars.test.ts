// A var's value in .env.example: strings as written, JSON vars (a TOML inline table, a list, a
// number) as their JSON. A TOML inline table parses to an object without a prototype.
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { devVarValue } from "../../src/scaffold/docs.js";

describe("a var as .dev.vars holds it", () => {
  it("a string as it is; a JSON var as its JSON, an inline table included", () => {
    const vars = parseToml(`[vars]\nNAME = "x"\nTOKEN = { ADDRESS = "0x03", DECIMALS = 6 }\nLIST = [1, 2]\nCOUNT = 3\n`).vars as Record<string, unknown>;
    expect(Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, devVarValue(v)]))).toEqual({
      NAME: "x",
      TOKEN: '{"ADDRESS":"0x03","DECIMALS":6}',
      LIST: "[1,2]",
      COUNT: "3",
    });
  });
});
