/**
 * Typed access, for jest tests, to the loopback mock OpenAI server whose single source is
 * `scripts/capture/mock-llm.mjs` (the capture scripts import that file directly).
 *
 * Jest runs tests as CommonJS, does not transform `.mjs`, and replaces `createRequire` with its
 * own (which cannot load ES modules), so the file is compiled to CommonJS with `@swc/core`
 * (already the jest transformer) and evaluated as a plain Node module.
 */
import { readFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** Path of the single source of the mock. */
export const MOCK_LLM_SOURCE = join(__dirname, "..", "..", "scripts", "capture", "mock-llm.mjs");

interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

/** The fixed values of every mock answer (documented in `mock-llm.mjs`). */
export interface MockConstants {
  readonly chatModel: string;
  readonly responseModel: string;
  readonly chatId: string;
  readonly created: number;
  readonly systemFingerprint: string;
  readonly requestId: string;
  readonly text: string;
  readonly streamChunks: readonly string[];
  readonly toolFollowUpText: string;
  readonly finishReason: string;
  readonly tool: { readonly name: string; readonly callId: string; readonly arguments: string; readonly finishReason: string };
  readonly usage: Readonly<ChatUsage>;
  readonly embeddings: {
    readonly model: string;
    readonly vector: readonly number[];
    readonly usage: { readonly prompt_tokens: number; readonly total_tokens: number };
  };
  readonly cost: { readonly input: number; readonly output: number; readonly total: number };
  readonly failModel: string;
  readonly error: {
    readonly status: number;
    readonly body: { readonly error: { readonly message: string; readonly type: string; readonly param: null; readonly code: string } };
  };
}

/** A request the mock received, parsed. */
export interface MockRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/** A running mock server. */
export interface MockLlm {
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `url + "/v1"`: what OpenAI clients take as `baseURL`. */
  baseURL: string;
  /** Requests received, newest last (at most 200). */
  requests: MockRequest[];
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

interface MockModule {
  MOCK: MockConstants;
  startMockLlm(options?: { port?: number }): Promise<MockLlm>;
}

/**
 * Compiles an ES module file to CommonJS with swc and evaluates it as a Node module (its own
 * `require` is Node's, outside jest's registry). Returns its exports.
 */
export function loadEsmWithSwc(file: string): unknown {
  const swc = createRequire(__filename)("@swc/core") as typeof import("@swc/core");
  const { code } = swc.transformSync(readFileSync(file, "utf8"), {
    filename: file,
    module: { type: "commonjs" },
    jsc: { target: "es2022", parser: { syntax: "ecmascript" } },
  });
  const m = new Module(file) as Module & { _compile(code: string, filename: string): void };
  m.filename = file;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  m._compile(code, file);
  return m.exports;
}

const mockModule = loadEsmWithSwc(MOCK_LLM_SOURCE) as MockModule;

/** Fixed values of every mock answer; tests reference these, not literals. */
export const MOCK: MockConstants = mockModule.MOCK;

/** Starts the mock on 127.0.0.1 (ephemeral port unless `port` is given). */
export function startMockLlm(options?: { port?: number }): Promise<MockLlm> {
  return mockModule.startMockLlm(options);
}
