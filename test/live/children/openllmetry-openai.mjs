/** Live: `@traceloop/instrumentation-openai` (OpenLLMetry) on openai@6, with content. */
import { OPENLLMETRY_OPENAI } from "../../../scripts/capture/scenarios/openllmetry-openai.mjs";
import { runLive } from "./live-harness.mjs";

await runLive(OPENLLMETRY_OPENAI);
