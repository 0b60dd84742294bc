/**
 * The instrumentations `canonspan/register` enables: whatever the application has installed,
 * loaded as optional packages (absent ones are skipped without error). One GenAI
 * instrumentation per client library, so a call never yields duplicate spans: the official OTel
 * one first, then OpenInference, then OpenLLMetry.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { logger } from "../internal/diag";

const log = logger("register");

/** `[package, export]` choices per instrumented library, best first. */
const GENAI: ReadonlyArray<{ library: string; choices: ReadonlyArray<readonly [string, string]> }> = [
  {
    library: "openai",
    choices: [
      ["@opentelemetry/instrumentation-openai", "OpenAIInstrumentation"],
      ["@arizeai/openinference-instrumentation-openai", "OpenAIInstrumentation"],
      ["@traceloop/instrumentation-openai", "OpenAIInstrumentation"],
    ],
  },
  {
    library: "@anthropic-ai/sdk",
    choices: [
      ["@arizeai/openinference-instrumentation-anthropic", "AnthropicInstrumentation"],
      ["@traceloop/instrumentation-anthropic", "AnthropicInstrumentation"],
    ],
  },
  {
    library: "@aws-sdk/client-bedrock-runtime",
    choices: [
      ["@arizeai/openinference-instrumentation-bedrock", "BedrockInstrumentation"],
      ["@traceloop/instrumentation-bedrock", "BedrockInstrumentation"],
    ],
  },
  {
    library: "@langchain/core",
    choices: [["@arizeai/openinference-instrumentation-langchain", "LangChainInstrumentation"]],
  },
];

/** Requires from the application's directory first, then from canonspan's own location. */
function optionalRequire(name: string): Record<string, unknown> | undefined {
  for (const base of [join(process.cwd(), "noop.js"), __filename]) {
    try {
      return createRequire(base)(name) as Record<string, unknown>;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== "MODULE_NOT_FOUND" && code !== "ERR_MODULE_NOT_FOUND" && code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") {
        log.warn(`could not load ${name}: ${(e as Error).message}`);
        return undefined;
      }
    }
  }
  return undefined;
}

function isInstalled(name: string): boolean {
  for (const base of [join(process.cwd(), "noop.js"), __filename]) {
    try {
      createRequire(base).resolve(name);
      return true;
    } catch {
      /* try the next base */
    }
  }
  return false;
}

export interface FoundInstrumentations {
  instrumentations: unknown[];
  /** Package names that were enabled, for diagnostics and tests. */
  names: string[];
}

/** Finds and constructs every installed instrumentation canonspan knows how to enable. */
export function findInstrumentations(): FoundInstrumentations {
  const instrumentations: unknown[] = [];
  const names: string[] = [];
  const covered = new Set<string>();
  const auto = optionalRequire("@opentelemetry/auto-instrumentations-node");
  const getAuto = auto?.getNodeAutoInstrumentations;
  if (typeof getAuto === "function") {
    const list = getAuto({ "@opentelemetry/instrumentation-fs": { enabled: false } }) as Array<{ instrumentationName?: string }>;
    instrumentations.push(...list);
    for (const i of list) if (i?.instrumentationName) covered.add(i.instrumentationName);
    names.push("@opentelemetry/auto-instrumentations-node");
  } else {
    for (const [pkg, exp] of [
      ["@opentelemetry/instrumentation-http", "HttpInstrumentation"],
      ["@opentelemetry/instrumentation-undici", "UndiciInstrumentation"],
    ] as const) {
      const Ctor = optionalRequire(pkg)?.[exp];
      if (typeof Ctor === "function") {
        instrumentations.push(new (Ctor as new () => unknown)());
        names.push(pkg);
      }
    }
  }
  for (const { library, choices } of GENAI) {
    // A library the auto bundle already instruments gets no second GenAI instrumentation.
    if (!isInstalled(library) || choices.some(([pkg]) => covered.has(pkg))) continue;
    for (const [pkg, exp] of choices) {
      const Ctor = optionalRequire(pkg)?.[exp];
      if (typeof Ctor !== "function") continue;
      try {
        instrumentations.push(new (Ctor as new () => unknown)());
        names.push(pkg);
        break;
      } catch (e) {
        log.warn(`could not start ${pkg}: ${(e as Error).message}`);
      }
    }
  }
  return { instrumentations, names };
}
