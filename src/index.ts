// Public API of canonspan (SPEC.md §2). Every export is named here; nothing else leaks.
export { toCanonicalSpan } from "./convert/to-canonical";
export type { ConvertOptions } from "./convert/options";
export type { SpanSink, SinkResult, SinkWorkerSpec } from "./sinks/sink";
export { CanonicalSpanProcessor } from "./processor/processor";
export type { CanonicalSpanProcessorOptions, CanonicalPipelineOptions, LogEventSource } from "./processor/options";
export { CanonicalSpanExporter } from "./processor/exporter";
export type { CanonicalSpanExporterOptions } from "./processor/exporter";
export type { ProcessorStats } from "./processor/stats";
export { withRollout, getRolloutIds } from "./processor/rollout";
export { CanonicalLogRecordProcessor } from "./processor/log-events";
export type { LogEventBufferOptions, LogEventStats } from "./processor/log-events";
export { GENAI_ONLY } from "./processor/filter";
export type { SpanFilter } from "./processor/filter";
export type { MaskFn, RedactionOptions } from "./processor/redact";
export { isPlaceholderSpan } from "./conventions/logfire";
export { summarize, summaryLine } from "./cli/summary";
export type { RecordSummary, ModelTokens } from "./cli/summary";
export type { RolloutIds } from "./processor/rollout";
export { ConsoleSink } from "./sinks/console-sink";
export type { ConsoleSinkOptions, ConsoleSinkStats, ConsoleStyle } from "./sinks/console-sink";
export { OtlpSink } from "./sinks/otlp-sink";
export type { OtlpSinkStats, OtlpEncodedSpan } from "./sinks/otlp-sink";
export type { OtlpJsonSpan, PartText } from "./sinks/otlp-json";
export type { OtlpSinkOptions, OtlpRetryOptions, OtlpProtocol, OtlpCompression } from "./sinks/otlp-config";
export { FileSink } from "./sinks/file-sink";
export type { FileSinkOptions, FileSinkStats } from "./sinks/file-sink";
export { MemorySink } from "./sinks/memory-sink";
export type { MemorySinkOptions } from "./sinks/memory-sink";
export { encodeRecord, encodeLine } from "./serialize/jsonl";
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
