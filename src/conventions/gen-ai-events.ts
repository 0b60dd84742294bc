/**
 * GenAI message events of every era (CONVENTIONS.md §1.6), as span events or as log records
 * attached by the log-record companion:
 * - 1.26: `gen_ai.content.prompt` / `gen_ai.content.completion` with a JSON `gen_ai.prompt` /
 *   `gen_ai.completion` attribute;
 * - 1.28–1.36: `gen_ai.{system,user,assistant,tool}.message` and `gen_ai.choice`, payload as flat
 *   `content`/`role` attributes, an Azure-style `gen_ai.event.content` JSON attribute, or a log body;
 * - 1.37+: `gen_ai.client.inference.operation.details` carrying the structured message keys.
 */
import type { Facts } from "../facts/facts";
import type { ChatMessage } from "../model/record";
import { maybeJson } from "../read/json";
import { normalizeInstructions, normalizeMessage, normalizeMessages } from "../read/messages";
import type { SpanEventLike } from "../read/span-input";
import type { SpanView } from "../read/span-view";

const ROLE_EVENTS: Readonly<Record<string, string>> = {
  "gen_ai.system.message": "system",
  "gen_ai.system.instruction": "system",
  "gen_ai.user.message": "user",
  "gen_ai.assistant.message": "assistant",
  "gen_ai.tool.message": "tool",
};
const CHOICE = "gen_ai.choice";
const DETAILS = "gen_ai.client.inference.operation.details";

/** The payload of a message event: its log body, `gen_ai.event.content` JSON, or flat attributes. */
function payloadOf(e: SpanEventLike): Record<string, unknown> {
  const attrs = (e.attributes ?? {}) as Record<string, unknown>;
  const body = maybeJson(e.body);
  if (body && typeof body === "object" && !Array.isArray(body)) return body as Record<string, unknown>;
  if (typeof body === "string") return { content: body };
  const ec = maybeJson(attrs["gen_ai.event.content"]);
  if (ec && typeof ec === "object" && !Array.isArray(ec)) return ec as Record<string, unknown>;
  return attrs;
}

function roleMessages(events: readonly SpanEventLike[]): { input: ChatMessage[]; output: ChatMessage[] } {
  const input: ChatMessage[] = [];
  const output: ChatMessage[] = [];
  for (const e of events) {
    const role = ROLE_EVENTS[e.name];
    if (role) {
      const p = payloadOf(e);
      const m = normalizeMessage({ ...p, role: typeof p.role === "string" ? p.role : role }, role);
      if (m) input.push(m);
    } else if (e.name === CHOICE) {
      const p = payloadOf(e);
      const m = "message" in p ? normalizeMessage(p, "assistant") : normalizeMessage({ role: "assistant", ...p }, "assistant");
      if (m) output.push(m);
    }
  }
  return { input, output };
}

/** Source ids by origin, spelled out: built with a template they would be new strings per span. */
const SOURCES = {
  event: { messages: "event:gen_ai.*.message", choice: "event:gen_ai.choice", details: `event:${DETAILS}` },
  log: { messages: "log:gen_ai.*.message", choice: "log:gen_ai.choice", details: `log:${DETAILS}` },
} as const;

function fromEvents(facts: Facts, events: readonly SpanEventLike[], origin: "event" | "log"): void {
  if (events.length === 0) return;
  const source = SOURCES[origin];
  const { input, output } = roleMessages(events);
  facts.add("llm.inputMessages", source.messages, input, []);
  facts.add("llm.outputMessages", source.choice, output, []);
  for (const e of events) {
    if (e.name === DETAILS) {
      const a = { ...((e.attributes ?? {}) as Record<string, unknown>), ...(payloadOf(e) as Record<string, unknown>) };
      facts.add("llm.inputMessages", source.details, normalizeMessages(a["gen_ai.input.messages"]), []);
      facts.add("llm.outputMessages", source.details, normalizeMessages(a["gen_ai.output.messages"], "assistant"), []);
      facts.add("llm.systemInstructions", "gen_ai.system_instructions", normalizeInstructions(a["gen_ai.system_instructions"]), []);
    } else if (origin === "event" && e.name === "gen_ai.content.prompt") {
      facts.add("llm.inputMessages", "event:gen_ai.content.prompt", normalizeMessages(e.attributes?.["gen_ai.prompt"]), []);
    } else if (origin === "event" && e.name === "gen_ai.content.completion") {
      const v = e.attributes?.["gen_ai.completion"];
      facts.add("llm.outputMessages", "event:gen_ai.content.completion", normalizeMessages(v, "assistant"), []);
    }
  }
}

/** True when span events or log events carry GenAI messages. */
export function hasGenAiEvents(view: SpanView): boolean {
  if (view.logEvents.length > 0) return true;
  for (const e of view.events) if (e.name.startsWith("gen_ai.")) return true;
  return false;
}

export function extractGenAiEvents(view: SpanView, facts: Facts): void {
  fromEvents(facts, view.events, "event");
  if (view.logEvents.length > 0) fromEvents(facts, view.logEvents, "log");
}
