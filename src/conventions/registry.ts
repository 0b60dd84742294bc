import type { Convention } from "./convention";
import { genAi } from "./gen-ai";
import { langfuse } from "./langfuse";
import { mlflow } from "./mlflow";
import { vercelAi } from "./vercel-ai";
import { agentLightning } from "./agent-lightning";
import { logfire } from "./logfire";
import { openAiAgents } from "./openai-agents";
import { openInference } from "./openinference";
import { openLlmetry } from "./openllmetry";

/**
 * Every convention mapper, in the order they run. Order does not decide precedence
 * (facts/precedence.ts does); it only breaks ties between equal-rank candidates.
 */
export const CONVENTIONS: readonly Convention[] = [genAi, vercelAi, langfuse, mlflow, openInference, openLlmetry, logfire, agentLightning, openAiAgents];
