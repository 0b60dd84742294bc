import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { expectValidRecord } from "../helpers/schema";
import { makeSpan } from "../helpers/spans";

const j = JSON.stringify;
const LOGFIRE = "logfire.openai_agents";

describe("openai agents hints", () => {
  describe("via OpenInference", () => {
    it("classifies handoff TOOL spans as HANDOFF and keeps their tool facts", () => {
      const r = toCanonicalSpan(
        makeSpan({
          name: "handoff to Billing",
          attributes: {
            "openinference.span.kind": "TOOL",
            "llm.system": "openai",
            "tool.name": "handoff_to_Billing",
            "input.value": j({ from_agent: "Triage" }),
            "input.mime_type": "application/json",
            "output.value": j({ to_agent: "Billing" }),
            "output.mime_type": "application/json",
          },
        }),
      );
      expectValidRecord(r);
      expect(r.type).toBe("HANDOFF");
      expect(r.sources.type).toBe("rule:openai-agents");
      expect(r.tool).toEqual({ name: "handoff_to_Billing", arguments: { from_agent: "Triage" }, result: { to_agent: "Billing" } });
      expect(r.conventions).toEqual(["openinference", "openai_agents"]);
    });

    it("keeps ordinary TOOL spans as TOOL", () => {
      const r = toCanonicalSpan(makeSpan({ name: "get_weather", attributes: { "openinference.span.kind": "TOOL", "tool.name": "get_weather" } }));
      expect(r.type).toBe("TOOL");
    });

    it("reads task/turn custom spans as aggregate usage", () => {
      const r = toCanonicalSpan(
        makeSpan({
          name: "turn",
          attributes: {
            "openinference.span.kind": "CHAIN",
            "output.value": j({ sdk_span_type: "turn", turn: 1, agent_name: "assistant", usage: { requests: 1, input_tokens: 100, output_tokens: 20, total_tokens: 120, input_tokens_details: { cached_tokens: 30 }, output_tokens_details: { reasoning_tokens: 5 } } }),
            "output.mime_type": "application/json",
          },
        }),
      );
      expect(r.type).toBe("CHAIN");
      expect(r.usage).toEqual({ inputTokens: 100, outputTokens: 20, totalTokens: 120, cacheReadTokens: 30, reasoningTokens: 5, aggregate: true });
      expect(r.sources["usage.inputTokens"]).toBe("output.value#usage");
      expect(r.sources["usage.aggregate"]).toBe("rule:aggregate");
    });

    it("does not read usage from user custom spans", () => {
      const r = toCanonicalSpan(makeSpan({ name: "mine", attributes: { "openinference.span.kind": "CHAIN", "output.value": j({ usage: { input_tokens: 5 } }) } }));
      expect(r.usage).toBeUndefined();
      expect(r.conventions).toEqual(["openinference"]);
    });
  });

  describe("via Logfire", () => {
    it("types spans from their message templates", () => {
      const typeOf = (tpl: string, attrs: Record<string, string> = {}): string =>
        toCanonicalSpan(makeSpan({ name: tpl, scope: LOGFIRE, attributes: { "logfire.msg_template": tpl, "logfire.span_type": "span", ...attrs } })).type;
      expect(typeOf("Agent run: {name!r}", { name: "assistant" })).toBe("AGENT");
      expect(typeOf("Function: {name}", { name: "f" })).toBe("TOOL");
      expect(typeOf("Handoff: {from_agent} → {to_agent}")).toBe("HANDOFF");
      expect(typeOf("Guardrail {name!r} {triggered=}")).toBe("GUARDRAIL");
      expect(typeOf("Chat completion with {gen_ai.request.model!r}")).toBe("LLM");
      expect(typeOf("OpenAI Agents trace: {name}")).toBe("AGENT");
      expect(typeOf("OpenAI agents: {type} span", { type: "handoff" })).toBe("HANDOFF");
      expect(typeOf("Custom span: {name}")).toBe("CHAIN");
    });

    it("reads agent and function spans", () => {
      const agent = toCanonicalSpan(
        makeSpan({ name: "Agent run: {name!r}", scope: LOGFIRE, attributes: { "logfire.msg_template": "Agent run: {name!r}", name: "assistant", handoffs: "[]", tools: '["random_number"]', output_type: "str" } }),
      );
      expect(agent.agent).toEqual({ name: "assistant" });
      const fn = toCanonicalSpan(
        makeSpan({ name: "Function: {name}", scope: LOGFIRE, attributes: { "logfire.msg_template": "Function: {name}", name: "get_weather", input: '{"city":"Paris"}', output: "sunny" } }),
      );
      expect(fn.type).toBe("TOOL");
      expect(fn.tool).toEqual({ name: "get_weather", arguments: { city: "Paris" }, result: "sunny" });
      expect(fn.extras).toEqual({ "logfire.msg_template": "Function: {name}" });
    });

    it("reads turn and task spans as aggregate usage", () => {
      const r = toCanonicalSpan(
        makeSpan({
          name: "Turn {turn} for agent assistant",
          scope: LOGFIRE,
          attributes: {
            "logfire.msg_template": "Turn {turn} for agent assistant",
            type: "custom",
            name: "turn",
            sdk_span_type: "turn",
            turn: 1,
            agent_name: "assistant",
            usage: j({ input_tokens: 128, output_tokens: 36, cached_input_tokens: 10, cache_write_input_tokens: 0 }),
          },
        }),
      );
      expect(r.type).toBe("CHAIN");
      expect(r.usage).toEqual({ inputTokens: 128, outputTokens: 36, totalTokens: 164, cacheReadTokens: 10, cacheWriteTokens: 0, aggregate: true });
      expect(r.agent).toEqual({ name: "assistant" });
    });

    it("reads a Responses API span: raw input, response output and instructions, usage details", () => {
      const r = toCanonicalSpan(
        makeSpan({
          name: "Responses API with {gen_ai.request.model!r}",
          scope: LOGFIRE,
          attributes: {
            "logfire.msg_template": "Responses API with {gen_ai.request.model!r}",
            "logfire.span_type": "span",
            "gen_ai.operation.name": "chat",
            "gen_ai.system": "openai",
            "gen_ai.request.model": "gpt-4.1",
            "gen_ai.response.model": "gpt-4.1-2026",
            response_id: "resp_1",
            usage: j({ requests: 1, input_tokens: 128, output_tokens: 36, total_tokens: 164, input_tokens_details: { cache_write_tokens: 0, cached_tokens: 64 }, output_tokens_details: { reasoning_tokens: 12 } }),
            "gen_ai.usage.input_tokens": 128,
            "gen_ai.usage.output_tokens": 36,
            raw_input: j([
              { role: "user", content: "Name one neighbourhood." },
              { id: "rs_1", type: "reasoning", summary: [{ type: "summary_text", text: "thinking" }], content: [] },
            ]),
            response: j({
              id: "resp_1",
              instructions: "You are concise.",
              output: [
                { id: "msg_1", type: "message", role: "assistant", content: [{ type: "output_text", text: "Chiado", annotations: [] }] },
                { type: "function_call", call_id: "c1", name: "book", arguments: '{"area":"Chiado"}' },
              ],
            }),
            events: j([{ "event.name": "gen_ai.user.message", role: "user", content: "Name one neighbourhood." }]),
          },
        }),
      );
      expectValidRecord(r);
      expect(r.type).toBe("LLM");
      expect(r.llm).toMatchObject({
        provider: "openai",
        requestModel: "gpt-4.1",
        responseModel: "gpt-4.1-2026",
        responseId: "resp_1",
        systemInstructions: [{ type: "text", content: "You are concise." }],
        inputMessages: [
          { role: "user", parts: [{ type: "text", content: "Name one neighbourhood." }] },
          { role: "assistant", parts: [{ type: "reasoning", content: "thinking" }] },
        ],
        outputMessages: [
          { role: "assistant", parts: [{ type: "text", content: "Chiado" }] },
          { role: "assistant", parts: [{ type: "tool_call", name: "book", id: "c1", arguments: { area: "Chiado" } }] },
        ],
        toolCalls: [{ id: "c1", name: "book", arguments: { area: "Chiado" } }],
      });
      expect(r.usage).toEqual({ inputTokens: 128, outputTokens: 36, totalTokens: 164, cacheReadTokens: 64, cacheWriteTokens: 0, reasoningTokens: 12, aggregate: false });
      expect(r.sources).toMatchObject({ "llm.inputMessages": "raw_input", "llm.outputMessages": "response#output", "usage.inputTokens": "gen_ai.usage.input_tokens", "usage.cacheReadTokens": "usage" });
      expect(r.conventions).toEqual(["gen_ai", "openai_agents"]);
    });

    it("reads a chat-completions generation span", () => {
      const r = toCanonicalSpan(
        makeSpan({
          name: "Chat completion with {gen_ai.request.model!r}",
          scope: LOGFIRE,
          attributes: {
            "logfire.msg_template": "Chat completion with {gen_ai.request.model!r}",
            "gen_ai.request.model": "gpt-4o",
            input: j([{ role: "user", content: "hi" }]),
            output: j([{ choices: [{ finish_reason: "stop", message: { role: "assistant", content: "hello" } }] }]),
            usage: j({ input_tokens: 3, output_tokens: 1 }),
          },
        }),
      );
      expect(r.llm?.inputMessages).toEqual([{ role: "user", parts: [{ type: "text", content: "hi" }] }]);
      expect(r.llm?.outputMessages).toEqual([{ role: "assistant", parts: [{ type: "text", content: "hello" }], finish_reason: "stop" }]);
      expect(r.usage).toEqual({ inputTokens: 3, outputTokens: 1, totalTokens: 4, aggregate: false });
    });
  });
});
