// Files outside every worker (README, docs, CI). They change often in the history, which is
// what makes splitting worth testing: none of these commits may reach a worker's split.
import { makeDoc, type Doc } from "./model.js";

const README_INTRO = {
  router: [
    "The platform worker (`src/platform-worker.js`) serves every chitty.cc hostname from one",
    "script. Each hostname maps to a handler in `src/services/`; shared code lives in `src/lib/`.",
  ],
  directories: [
    "Every worker lives in its own folder under `workers/`, `apps/` or `services/`, with its own",
    "wrangler config and package.json. `npm test --workspaces` runs every worker's tests.",
  ],
};

export function readmeDoc(layout: "router" | "directories"): Doc {
  return makeDoc("README.md", "doc", "readme", (s) =>
    [
      "# ChittyOS platform",
      "",
      ...README_INTRO[layout],
      "",
      "## Development",
      "",
      "```sh",
      "npm install",
      layout === "router" ? "npx wrangler dev" : "npm run dev --workspace workers/registry",
      "```",
      "",
      "## Status",
      "",
      `Reviewed by the platform team, pass ${s.rev}.`,
      ...(s.flag ? ["", "Services are moving to one repository per worker; see docs/runbook.md."] : []),
      "",
    ].join("\n"),
  );
}

const DOCS: Record<string, { title: string; body: string[]; extra: string[] }> = {
  architecture: {
    title: "Architecture",
    body: [
      "Requests arrive on a chitty.cc hostname and are answered by the worker that owns it.",
      "Shared state lives in KV and D1; identity and auth run as separate workers reached",
      "through service bindings.",
    ],
    extra: ["Durable objects coordinate sync jobs so two writers never race on one scope."],
  },
  runbook: {
    title: "Runbook",
    body: [
      "1. Check `https://<service>.chitty.cc/health` for every service.",
      "2. Roll back with `wrangler rollback` if a deploy breaks health checks.",
      "3. Post the incident summary in the platform channel.",
    ],
    extra: ["Escalate to the on-call owner after fifteen minutes without recovery."],
  },
  onboarding: {
    title: "Onboarding",
    body: [
      "Install Node 22, clone the repository and run the tests once before your first change.",
      "Every change goes through a pull request with one review.",
    ],
    extra: ["Pair with a platform engineer for your first deploy."],
  },
};

export const DOC_NAMES = Object.keys(DOCS);

export function docsDoc(name: string): Doc {
  const doc = DOCS[name]!;
  return makeDoc(`docs/${name}.md`, "doc", name, (s) =>
    [`# ${doc.title}`, "", `<!-- revision ${s.rev} -->`, "", ...doc.body, ...(s.flag ? ["", ...doc.extra] : []), ""].join("\n"),
  );
}

export function ciDoc(testCommand: string): Doc {
  return makeDoc(
    ".github/workflows/ci.yml",
    "ci",
    "ci",
    (s) =>
      [
        `# revision ${s.rev}`,
        "name: ci",
        "on:",
        "  pull_request:",
        "  push:",
        "    branches: [main]",
        "jobs:",
        "  test:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "      - uses: actions/setup-node@v4",
        "        with:",
        `          node-version: ${s.knob}`,
        ...(s.flag ? ["          cache: npm"] : []),
        "      - run: npm ci",
        `      - run: ${testCommand}`,
        "",
      ].join("\n"),
    [20, 22, 24],
  );
}

export function gitignoreDoc(): Doc {
  return makeDoc(".gitignore", "fixed", "repo", () => "node_modules/\n.wrangler/\n.dev.vars\ncoverage/\n");
}

/** A fixed JSON file (package.json and friends). */
export function jsonDoc(path: string, value: () => unknown): Doc {
  return makeDoc(path, "fixed", "deps", () => JSON.stringify(value(), null, 2) + "\n");
}
