/** Validates records against the shipped JSON Schema (`canonspan/schema.json`). */
import Ajv from "ajv";
import schema from "../../schema.json";
import type { CanonicalSpan } from "../../src/model/record";

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

/** Throws with the schema errors when `record` does not conform. */
export function expectValidRecord(record: CanonicalSpan): void {
  if (!validate(JSON.parse(JSON.stringify(record)))) {
    throw new Error(`record does not match schema.json: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(record).slice(0, 2000)}`);
  }
}
