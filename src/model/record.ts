/**
 * The canonical span record, schema `canonspan/v1` (SPEC.md §1).
 *
 * Optional fields are omitted, never `null`, except `parentId` which is `null` for a root span.
 * Every string is well-formed UTF-16 and every object is a plain JSON value.
 */

export const SCHEMA_VERSION = "canonspan/v1" as const;

/** Any JSON value, as produced by `JSON.parse`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export const SPAN_TYPES = [
  "LLM",
  "EMBEDDING",
  "RETRIEVAL",
  "RERANKER",
  "TOOL",
  "AGENT",
  "CHAIN",
  "WORKFLOW",
  "TASK",
  "GUARDRAIL",
  "EVALUATOR",
  "HANDOFF",
  "MEMORY",
  "PROMPT",
  "REWARD",
  "HTTP",
  "DATABASE",
  "OTHER",
] as const;
export type SpanType = (typeof SPAN_TYPES)[number];

export const SPAN_KINDS = ["INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"] as const;
export type SpanKindName = (typeof SPAN_KINDS)[number];

export type StatusCodeName = "UNSET" | "OK" | "ERROR";

export const CONVENTION_NAMES = [
  "gen_ai",
  "openinference",
  "openllmetry",
  "vercel_ai",
  "langfuse",
  "mlflow",
  "logfire",
  "agentlightning",
  "openai_agents",
] as const;
export type ConventionName = (typeof CONVENTION_NAMES)[number];

// ---------------------------------------------------------------------------------------------
// Messages: the OTel GenAI message format (CONVENTIONS.md §1.4)
// ---------------------------------------------------------------------------------------------

export interface TextPart {
  type: "text";
  content: string;
}
export interface ReasoningPart {
  type: "reasoning";
  content: string;
}
export interface ToolCallPart {
  type: "tool_call";
  id?: string;
  name: string;
  /** Parsed JSON when the source was JSON text, else the raw string. */
  arguments?: JsonValue;
}
export interface ToolCallResponsePart {
  type: "tool_call_response";
  id?: string;
  response: JsonValue;
}
export interface BlobPart {
  type: "blob";
  modality: string;
  mime_type?: string;
  content: string;
}
export interface UriPart {
  type: "uri";
  modality: string;
  mime_type?: string;
  uri: string;
}
export interface FilePart {
  type: "file";
  modality: string;
  mime_type?: string;
  file_id: string;
}
/** Any other part type is kept as a generic part. */
export interface GenericPart {
  type: string;
  [key: string]: JsonValue | undefined;
}
export type MessagePart =
  | TextPart
  | ReasoningPart
  | ToolCallPart
  | ToolCallResponsePart
  | BlobPart
  | UriPart
  | FilePart
  | GenericPart;

export interface ChatMessage {
  role: string;
  parts: MessagePart[];
  name?: string;
  /** Output messages: `stop`, `length`, `tool_call`, `content_filter`, `error`, or any string. */
  finish_reason?: string;
}

// ---------------------------------------------------------------------------------------------
// Record sections
// ---------------------------------------------------------------------------------------------

export interface CanonicalStatus {
  code: StatusCodeName;
  message?: string;
}

export interface CanonicalError {
  type?: string;
  message: string;
  stack?: string;
}

export interface LlmParameters {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  topK?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  stop?: string[];
  seed?: number;
  n?: number;
  reasoningEffort?: string;
  outputType?: string;
  /** Any further request parameter the source reported, key → value. */
  [key: string]: JsonValue | undefined;
}

export interface ToolCall {
  id?: string;
  name: string;
  arguments?: JsonValue;
}

export interface LlmFacts {
  operation?: string;
  provider?: string;
  model?: string;
  requestModel?: string;
  responseModel?: string;
  streaming?: boolean;
  timeToFirstTokenMs?: number;
  parameters?: LlmParameters;
  systemInstructions?: MessagePart[];
  inputMessages?: ChatMessage[];
  outputMessages?: ChatMessage[];
  toolDefinitions?: JsonValue[];
  toolCalls?: ToolCall[];
  finishReasons?: string[];
  responseId?: string;
}

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  audioInputTokens?: number;
  audioOutputTokens?: number;
  /** True when the usage rolls up child calls; sum only `aggregate: false` usage. */
  aggregate: boolean;
}

export interface Cost {
  inputUsd?: number;
  outputUsd?: number;
  totalUsd?: number;
}

export interface ToolFacts {
  name?: string;
  callId?: string;
  arguments?: JsonValue;
  result?: JsonValue;
  description?: string;
  type?: string;
}

export interface AgentFacts {
  name?: string;
  id?: string;
  description?: string;
  version?: string;
}

export interface RetrievalDocument {
  id?: string;
  content?: string;
  score?: number;
  metadata?: JsonValue;
}

export interface RetrievalFacts {
  query?: string;
  documents?: RetrievalDocument[];
}

export interface CanonicalEvent {
  name: string;
  time: string;
  attributes: JsonObject;
}

export interface CanonicalLink {
  traceId: string;
  spanId: string;
  attributes: JsonObject;
}

export interface CanonicalResource {
  attributes: JsonObject;
  schemaUrl?: string;
}

export interface CanonicalScope {
  name: string;
  version?: string;
  schemaUrl?: string;
}

export interface Dropped {
  attributes?: number;
  events?: number;
  links?: number;
  /** Record paths whose values canonspan cut (size limits), e.g. `llm.inputMessages`. */
  truncated?: string[];
  /** Derivations that failed, field path → reason. The field is omitted; the record stands. */
  errors?: Record<string, string>;
}

/** One canonical span record (schema `canonspan/v1`). */
export interface CanonicalSpan {
  schema: typeof SCHEMA_VERSION;
  traceId: string;
  spanId: string;
  parentId: string | null;
  name: string;
  kind: SpanKindName;
  type: SpanType;
  status: CanonicalStatus;
  error?: CanonicalError;
  startTime: string;
  endTime: string;
  durationMs: number;
  sequenceId?: number;
  rolloutId?: string;
  attemptId?: string;
  llm?: LlmFacts;
  usage?: Usage;
  cost?: Cost;
  tool?: ToolFacts;
  agent?: AgentFacts;
  retrieval?: RetrievalFacts;
  input?: JsonValue;
  output?: JsonValue;
  sessionId?: string;
  userId?: string;
  conversationId?: string;
  tags: string[];
  metadata: JsonObject;
  extras: JsonObject;
  events: CanonicalEvent[];
  links: CanonicalLink[];
  resource: CanonicalResource;
  scope: CanonicalScope;
  conventions: ConventionName[];
  sources: Record<string, string>;
  dropped: Dropped;
}
