import type { Convention } from "./convention";
import { genAi } from "./gen-ai";

/**
 * Every convention mapper, in the order they run. Order does not decide precedence
 * (facts/precedence.ts does); it only breaks ties between equal-rank candidates.
 */
export const CONVENTIONS: readonly Convention[] = [genAi];
