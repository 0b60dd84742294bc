/**
 * Tool definitions in the OTel shape (`{type, name, description?, parameters?}`), from the OTel
 * shape itself or the OpenAI shape (`{type:"function", function:{name, description, parameters}}`),
 * given as objects or JSON text. Other shapes are kept as they are.
 */
import type { JsonValue } from "../model/record";
import { maybeJson, setOwn } from "./json";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);

export function normalizeToolDefinition(def: unknown): JsonValue | undefined {
  const d = maybeJson(def);
  if (!isObj(d)) return typeof d === "string" && d !== "" ? d : undefined;
  const fn = isObj(d.function) ? d.function : undefined;
  if (!fn) return d as JsonValue;
  const out: Obj = { type: typeof d.type === "string" ? d.type : "function" };
  for (const k of Object.keys(fn)) setOwn(out, k, k === "parameters" ? maybeJson(fn[k]) : fn[k]);
  return out as JsonValue;
}

export function normalizeToolDefinitions(defs: readonly unknown[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const d of defs) {
    const t = normalizeToolDefinition(d);
    if (t !== undefined) out.push(t);
  }
  return out;
}
