/** Live: `@arizeai/openinference-instrumentation-openai` (OpenInference conventions) on openai@6. */
import { OPENINFERENCE_OPENAI } from "../../../scripts/capture/scenarios/openinference-openai.mjs";
import { runLive } from "./live-harness.mjs";

await runLive(OPENINFERENCE_OPENAI);
