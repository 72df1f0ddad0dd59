// Turns a layout's scripted events into a history of exactly the requested length: events
// spread over the first 85% of it, edit commits in between, and side branches that fork,
// touch files main leaves alone meanwhile, and merge back with two parents.
import { bumpRevision, editDoc } from "./edits.js";
import type { FastImportWriter, FileChange } from "./fast-import-writer.js";
import { mergeChanges, type Change, type Doc, type HistoryEvent, type Layout } from "./model.js";
import { Clock, MAINTAINERS, PEOPLE, type Person } from "./people.js";
import type { Random } from "./random.js";

export const MAIN_REF = "refs/heads/main";
const SIDE_REF = "refs/heads/side";
const EVENT_SHARE = 0.85;
const WINDOW_CHANCE = 0.15;

interface Step {
  message: string;
  change: Change;
}

export class HistoryWriter {
  private mark = 0;
  private written = 0;
  private mainTip = 0;
  private sideUsed = false;
  private pullRequests = 0;
  private readonly clock: Clock;
  /** Content last written at each path; branches never share a path, so one map serves both. */
  private readonly last = new Map<string, string>();
  private pool: Doc[] = [];
  private testsByScope = new Map<string, Doc>();

  constructor(
    private readonly layout: Layout,
    private readonly writer: FastImportWriter,
    private readonly total: number,
    private readonly rng: Random,
    private readonly onProgress?: (done: number, total: number) => void,
  ) {
    this.clock = new Clock(total, rng);
  }

  /** Writes the whole history and returns the number of commits. */
  async run(): Promise<number> {
    if (this.total < this.layout.events.length) await this.grouped();
    else await this.spread();
    if (this.sideUsed) await this.writer.deleteRef(SIDE_REF);
    this.onProgress?.(this.written, this.total);
    return this.written;
  }

  /** Too few commits for one event each: several events share a commit, nothing else happens. */
  private async grouped(): Promise<void> {
    const events = this.layout.events;
    for (let i = 0; i < this.total; i++) {
      const group = events.slice(Math.floor((i * events.length) / this.total), Math.floor(((i + 1) * events.length) / this.total));
      const change = mergeChanges(...group.map((event) => event.apply()));
      const message = group.length === 1 ? group[0]!.message : `chore: land ${group.length} changes\n\n${group.map((e) => `- ${e.message}`).join("\n")}`;
      await this.commitMain(message, this.rng.pick(PEOPLE), change, undefined, false);
    }
  }

  private async spread(): Promise<void> {
    const events = this.layout.events;
    const span = Math.min(this.total - 1, Math.max(events.length - 1, Math.floor(EVENT_SHARE * this.total)));
    const at = events.map((_, i) => (events.length === 1 ? 0 : Math.floor((i * span) / (events.length - 1))));
    let next = 0;
    while (this.written < this.total) {
      if (next < events.length && this.written === at[next]) {
        const event = events[next++]!;
        const room = (at[next] ?? this.total) - this.written;
        if (event.sideable && room >= 4 && this.rng.chance(0.5)) await this.window(room, event);
        else await this.commitMain(event.message, this.rng.pick(PEOPLE), event.apply(), undefined, false);
        this.refreshPool();
        continue;
      }
      const room = (at[next] ?? this.total) - this.written;
      if (room >= 4 && this.rng.chance(WINDOW_CHANCE)) await this.window(room);
      else {
        const step = this.editStep(this.pool);
        await this.commitMain(step.message, this.rng.pick(PEOPLE), step.change);
      }
    }
  }

  private refreshPool(): void {
    this.pool = [...this.layout.docs.values()].filter((doc) => doc.kind !== "fixed");
    this.testsByScope = new Map(this.pool.filter((doc) => doc.kind === "test").map((doc) => [doc.scope, doc]));
  }

  /** One to three edited files, or a version bump across several services. */
  private editStep(candidates: Doc[]): Step {
    const services = candidates.filter((doc) => doc.kind === "service");
    if (services.length >= 3 && this.rng.chance(0.04)) {
      const picked = this.rng.sample(services, this.rng.int(3, Math.min(5, services.length)));
      picked.forEach(bumpRevision);
      return { message: "chore: bump compatibility", change: { write: picked.map((doc) => doc.path), remove: [] } };
    }
    const primary = this.rng.pick(candidates);
    const message = editDoc(primary, this.rng);
    const touched = [primary];
    const roll = this.rng.next();
    const extras = roll < 0.08 ? 2 : roll < 0.3 ? 1 : 0;
    for (let i = 0; i < extras; i++) {
      const test = primary.kind === "service" ? this.testsByScope.get(primary.scope) : undefined;
      const extra = i === 0 && test && candidates.includes(test) ? test : this.rng.pick(candidates);
      if (touched.includes(extra)) continue;
      editDoc(extra, this.rng);
      touched.push(extra);
    }
    return { message, change: { write: touched.map((doc) => doc.path), remove: [] } };
  }

  /** A side branch (a feature when `event` is given) with main moving on meanwhile, then a merge. */
  private async window(room: number, event?: HistoryEvent): Promise<void> {
    let sideCount = this.rng.int(2, 5);
    let mainCount = this.rng.int(1, 3);
    while (sideCount + mainCount + 1 > room) {
      if (sideCount > 2) sideCount--;
      else mainCount--;
    }
    let first: Step | undefined;
    let topic: Doc[];
    if (event) {
      first = { message: event.message, change: event.apply() };
      topic = first.change.write.map((path) => this.layout.docs.get(path)!).filter((doc) => doc.kind !== "fixed");
    } else {
      const primary = this.rng.pick(this.pool);
      const test = primary.kind === "service" ? this.testsByScope.get(primary.scope) : undefined;
      topic = test ? [primary, test] : [primary];
    }
    const mainCandidates = this.pool.filter((doc) => !topic.includes(doc));
    if (mainCandidates.length === 0) {
      sideCount += mainCount;
      mainCount = 0;
    }
    const slots = this.rng.sample([...Array<boolean>(sideCount).fill(true), ...Array<boolean>(mainCount).fill(false)], sideCount + mainCount);
    const owner = this.rng.pick(PEOPLE);
    const fork = this.mainTip;
    let sideTip: number | undefined;
    let branchChange: Change = { write: [], remove: [] };
    let branch = "";
    for (const onSide of slots) {
      if (!onSide) {
        const step = this.editStep(mainCandidates);
        await this.commitMain(step.message, this.rng.pick(PEOPLE), step.change);
        continue;
      }
      const step = first ?? this.editStep(topic);
      first = undefined;
      branch ||= branchName(step.message);
      sideTip = await this.commit(
        SIDE_REF,
        step.message,
        owner,
        step.change,
        sideTip === undefined ? fork : undefined,
        undefined,
        !event || sideTip !== undefined,
      );
      branchChange = mergeChanges(branchChange, step.change);
    }
    this.sideUsed = true;
    const message = this.rng.chance(0.5) ? `Merge branch '${branch}'` : `Merge pull request #${++this.pullRequests} from chittyos/${branch}`;
    await this.commitMain(message, this.rng.pick(MAINTAINERS), branchChange, sideTip, false);
  }

  private async commitMain(message: string, person: Person, change: Change, merge?: number, strict = true): Promise<void> {
    this.mainTip = await this.commit(MAIN_REF, message, person, change, undefined, merge, strict);
  }

  /** `strict`: every written file must really change (true for edits, whose whole point is a change). */
  private async commit(
    ref: string,
    message: string,
    person: Person,
    change: Change,
    from: number | undefined,
    merge: number | undefined,
    strict: boolean,
  ): Promise<number> {
    const files: FileChange[] = [];
    for (const path of change.remove) {
      files.push({ path, content: null });
      this.last.delete(path);
    }
    for (const path of change.write) {
      const doc = this.layout.docs.get(path);
      if (!doc) throw new Error(`the example model has no file ${path}`);
      const content = doc.render();
      if (strict && this.last.get(path) === content) throw new Error(`an edit left ${path} unchanged`);
      files.push({ path, content });
      this.last.set(path, content);
    }
    const signature = this.clock.sign(person);
    const mark = ++this.mark;
    await this.writer.commit({ ref, mark, author: signature, committer: signature, message: message + "\n", from, merge, files });
    this.written++;
    if (this.written % 1000 === 0) this.onProgress?.(this.written, this.total);
    return mark;
  }
}

/** `feat(chat): add chat service` -> `feat/chat-add-chat-service`. */
function branchName(message: string): string {
  const match = /^(\w+)(?:\(([^)]+)\))?: (.*)$/.exec(message);
  if (!match) return "topic/update";
  const words = [match[2], ...match[3]!.split(/\s+/).slice(0, 5)].filter((word): word is string => Boolean(word));
  const slug = words
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "");
  return `${match[1]}/${slug}`;
}
