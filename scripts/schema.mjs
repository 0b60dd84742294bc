// Generates schema.json (JSON Schema draft-07 of the canonspan/v1 record) from the lists in this file.
// Run: node scripts/schema.mjs  — the test suite checks that the committed file is current.
import { writeFileSync } from "node:fs";

const str = { type: "string" };
const int = { type: "integer", minimum: 0 };
const num = { type: "number" };
const any = {};
const obj = { type: "object" };
const hex = (n) => ({ type: "string", pattern: `^[0-9a-f]{${n}}$` });
const iso = { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z$" };
const closed = (properties, required = []) => ({ type: "object", properties, required, additionalProperties: false });

const part = {
  type: "object",
  required: ["type"],
  properties: { type: str },
  allOf: [
    { if: { properties: { type: { enum: ["text", "reasoning"] } } }, then: { required: ["content"], properties: { content: str } } },
    { if: { properties: { type: { const: "tool_call" } } }, then: { required: ["name"], properties: { id: str, name: str } } },
    { if: { properties: { type: { const: "tool_call_response" } } }, then: { required: ["response"] } },
    { if: { properties: { type: { const: "blob" } } }, then: { required: ["modality", "content"] } },
    { if: { properties: { type: { const: "uri" } } }, then: { required: ["modality", "uri"] } },
  ],
};
const message = closed({ role: str, parts: { type: "array", items: { $ref: "#/definitions/part" } }, name: str, finish_reason: str }, ["role", "parts"]);
const attrs = { type: "object" };

const schema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "urn:canonspan:schema:v1",
  title: "canonspan/v1 canonical span record",
  definitions: { part, message },
  ...closed(
    {
      schema: { const: "canonspan/v1" },
      traceId: hex(32),
      spanId: hex(16),
      parentId: { anyOf: [hex(16), { type: "null" }] },
      name: str,
      kind: { enum: ["INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"] },
      type: { enum: ["LLM", "EMBEDDING", "RETRIEVAL", "RERANKER", "TOOL", "AGENT", "CHAIN", "WORKFLOW", "TASK", "GUARDRAIL", "EVALUATOR", "HANDOFF", "MEMORY", "PROMPT", "REWARD", "HTTP", "DATABASE", "OTHER"] },
      status: closed({ code: { enum: ["UNSET", "OK", "ERROR"] }, message: str }, ["code"]),
      error: closed({ type: str, message: str, stack: str }, ["message"]),
      startTime: iso,
      endTime: iso,
      durationMs: num,
      sequenceId: int,
      rolloutId: str,
      attemptId: str,
      llm: closed({
        operation: str,
        provider: str,
        model: str,
        requestModel: str,
        responseModel: str,
        streaming: { type: "boolean" },
        timeToFirstTokenMs: num,
        parameters: obj,
        systemInstructions: { type: "array", items: { $ref: "#/definitions/part" } },
        inputMessages: { type: "array", items: { $ref: "#/definitions/message" } },
        outputMessages: { type: "array", items: { $ref: "#/definitions/message" } },
        toolDefinitions: { type: "array" },
        toolCalls: { type: "array", items: closed({ id: str, name: str, arguments: any }, ["name"]) },
        finishReasons: { type: "array", items: str },
        responseId: str,
      }),
      usage: closed(
        {
          inputTokens: int,
          outputTokens: int,
          totalTokens: int,
          cacheReadTokens: int,
          cacheWriteTokens: int,
          reasoningTokens: int,
          audioInputTokens: int,
          audioOutputTokens: int,
          aggregate: { type: "boolean" },
        },
        ["aggregate"],
      ),
      cost: closed({ inputUsd: num, outputUsd: num, totalUsd: num }),
      tool: closed({ name: str, callId: str, arguments: any, result: any, description: str, type: str }),
      agent: closed({ name: str, id: str, description: str, version: str }),
      retrieval: closed({ query: str, documents: { type: "array", items: closed({ id: str, content: str, score: num, metadata: any }) } }),
      input: any,
      output: any,
      sessionId: str,
      userId: str,
      conversationId: str,
      tags: { type: "array", items: str },
      metadata: obj,
      extras: obj,
      events: { type: "array", items: closed({ name: str, time: iso, attributes: attrs }, ["name", "time", "attributes"]) },
      links: { type: "array", items: closed({ traceId: hex(32), spanId: hex(16), attributes: attrs }, ["traceId", "spanId", "attributes"]) },
      resource: closed({ attributes: attrs, schemaUrl: str }, ["attributes"]),
      scope: closed({ name: str, version: str, schemaUrl: str }, ["name"]),
      conventions: { type: "array", items: { enum: ["gen_ai", "openinference", "openllmetry", "vercel_ai", "langfuse", "mlflow", "logfire", "agentlightning", "openai_agents"] } },
      sources: { type: "object", additionalProperties: str },
      dropped: closed({
        attributes: int,
        events: int,
        links: int,
        truncated: { type: "array", items: str },
        errors: { type: "object", additionalProperties: str },
      }),
    },
    ["schema", "traceId", "spanId", "parentId", "name", "kind", "type", "status", "startTime", "endTime", "durationMs", "tags", "metadata", "extras", "events", "links", "resource", "scope", "conventions", "sources", "dropped"],
  ),
};

const out = JSON.stringify(schema, null, 2) + "\n";
if (process.argv.includes("--print")) process.stdout.write(out);
else writeFileSync(new URL("../schema.json", import.meta.url), out);
