// Regenerates schema/fleet.schema.json from the manifest's zod schema (run `npm run schema`).
// A test fails when the committed file and the schema disagree.
import { writeFileSync } from "node:fs";
import { manifestJsonSchema } from "../dist/manifest/schema.js";

const file = new URL("../schema/fleet.schema.json", import.meta.url);
writeFileSync(file, `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file.pathname.split("/").slice(-2).join("/")}`);
