/**
 * Status and error (SPEC §1): the OTel status, raised to ERROR when a convention reports an
 * error (e.g. Langfuse `level=ERROR`); `error` from the `exception` event, `error.type`, the
 * status message or convention error fields.
 */
import type { CanonicalError, CanonicalSpan } from "../model/record";
import type { CleanContext } from "../read/clean";
import { asString } from "../read/values";
import type { Picker } from "./picker";

export function buildStatusAndError(p: Picker, record: CanonicalSpan, clean: CleanContext): void {
  const raised = p.collect("status.error");
  if (raised.length > 0 && record.status.code !== "ERROR") {
    record.status = { code: "ERROR" };
    const msg = raised.map(asString).find((m) => m !== undefined && m !== "ERROR" && m !== "true");
    if (msg) record.status.message = clean.str(msg, "status.message");
  }
  const type = asString(p.pick("error.type"));
  const message = asString(p.pick("error.message")) ?? record.status.message;
  const stack = asString(p.pick("error.stack"));
  if (record.status.code !== "ERROR" && !type && !stack) return;
  const err: CanonicalError = { message: clean.str(message ?? type ?? "error", "error.message") };
  if (type) err.type = clean.str(type, "error.type");
  if (stack) err.stack = clean.str(stack, "error.stack");
  record.error = err;
}
