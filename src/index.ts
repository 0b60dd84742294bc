// Public API of canonspan (SPEC.md §2). Every export is named here; nothing else leaks.
export { toCanonicalSpan } from "./convert/to-canonical";
export type { ConvertOptions } from "./convert/options";
export type { SpanSink, SinkResult } from "./sinks/sink";
export { SCHEMA_VERSION, SPAN_TYPES, CONVENTION_NAMES } from "./model/record";
export type {
  CanonicalSpan,
  SpanType,
  ConventionName,
  ChatMessage,
  MessagePart,
  LlmFacts,
  Usage,
  Cost,
  ToolFacts,
  AgentFacts,
  RetrievalFacts,
  JsonValue,
} from "./model/record";
