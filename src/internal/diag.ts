import { diag, type DiagLogger } from "@opentelemetry/api";

/** A component logger per module: `diag` messages are prefixed with the component's name. */
export function logger(component: string): DiagLogger {
  return diag.createComponentLogger({ namespace: `canonspan:${component}` });
}
