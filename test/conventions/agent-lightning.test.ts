import { toCanonicalSpan } from "../../src/convert/to-canonical";
import { expectValidRecord } from "../helpers/schema";
import { makeSpan } from "../helpers/spans";

describe("agent lightning convention (v0.x)", () => {
  it("reads v0.3+ rewards, tags and links from an annotation span as a REWARD", () => {
    const r = toCanonicalSpan(
      makeSpan({
        name: "agentlightning.annotation",
        attributes: {
          "agentlightning.reward.0.name": "task_completion",
          "agentlightning.reward.0.value": 1,
          "agentlightning.reward.1.name": "efficiency",
          "agentlightning.reward.1.value": 0.8,
          "agentlightning.tag.1": "reliable",
          "agentlightning.tag.0": "fast",
          "agentlightning.link.0.key_match": "gen_ai.response.id",
          "agentlightning.link.0.value_match": "resp-123",
          "agentlightning.rollout_id": "ro-1",
          "agentlightning.attempt_id": "at-1",
        },
      }),
    );
    expectValidRecord(r);
    expect(r.type).toBe("REWARD");
    expect(r.metadata).toEqual({
      rewards: [
        { name: "task_completion", value: 1 },
        { name: "efficiency", value: 0.8 },
      ],
      reward: 1,
      links: [{ key_match: "gen_ai.response.id", value_match: "resp-123" }],
    });
    expect(r.tags).toEqual(["fast", "reliable"]);
    expect(r.rolloutId).toBe("ro-1");
    expect(r.attemptId).toBe("at-1");
    expect(r.conventions).toEqual(["agentlightning"]);
    expect(r.sources.type).toBe("rule:agentlightning");
    expect(r.extras).toEqual({});
  });

  it("reads the v0.2 plain reward on the annotation span only", () => {
    const r = toCanonicalSpan(makeSpan({ name: "agentlightning.annotation", attributes: { reward: 0.5 } }));
    expect(r.type).toBe("REWARD");
    expect(r.metadata).toEqual({ rewards: [{ name: "primary", value: 0.5 }], reward: 0.5 });
    const other = toCanonicalSpan(makeSpan({ name: "my.span", attributes: { reward: 0.5, "agentlightning.tag.0": "x" } }));
    expect(other.type).toBe("CHAIN");
    expect(other.metadata).toEqual({});
    expect(other.extras).toEqual({ reward: 0.5 });
  });

  it("reads AgentOps legacy reward JSON", () => {
    const r = toCanonicalSpan(makeSpan({ name: "reward.task", attributes: { "agentops.task.output": JSON.stringify({ type: "reward", value: 0.25 }) } }));
    expect(r.type).toBe("REWARD");
    expect(r.metadata).toEqual({ rewards: [{ name: "primary", value: 0.25 }], reward: 0.25 });
    const notReward = toCanonicalSpan(makeSpan({ name: "t", attributes: { "agentops.entity.output": JSON.stringify({ type: "answer", value: 1 }) } }));
    expect(notReward.type).toBe("CHAIN");
    expect(notReward.metadata).toEqual({});
  });

  it("reads operation spans (input/output) and reward operations", () => {
    const op = toCanonicalSpan(
      makeSpan({
        name: "agentlightning.operation",
        attributes: { "agentlightning.operation.name": "execute_sql", "agentlightning.operation.input": '{"sql":"SELECT 1"}', "agentlightning.operation.output": "[[1]]" },
      }),
    );
    expect(op.type).toBe("CHAIN");
    expect(op.input).toEqual({ sql: "SELECT 1" });
    expect(op.output).toEqual([[1]]);
    expect(op.extras).toEqual({ "agentlightning.operation.name": "execute_sql" });
    const rewardOp = toCanonicalSpan(
      makeSpan({ name: "agentlightning.operation", attributes: { "agentlightning.operation.name": "agentlightning.reward", "agentlightning.reward.0.name": "primary", "agentlightning.reward.0.value": 0.9 } }),
    );
    expect(rewardOp.type).toBe("REWARD");
    expect(rewardOp.metadata).toMatchObject({ reward: 0.9 });
  });

  it("reads message bodies, emitted objects and exception spans", () => {
    expect(toCanonicalSpan(makeSpan({ name: "agentlightning.message", attributes: { "agentlightning.message.body": "step done" } })).output).toBe("step done");
    const obj = toCanonicalSpan(makeSpan({ name: "agentlightning.object", attributes: { "agentlightning.object.type": "dict", "agentlightning.object.json": '{"k":[1,2]}' } }));
    expect(obj.output).toEqual({ k: [1, 2] });
    expect(obj.extras).toEqual({ "agentlightning.object.type": "dict" });
    const lit = toCanonicalSpan(makeSpan({ name: "agentlightning.object", attributes: { "agentlightning.object.literal": "42" } }));
    expect(lit.output).toBe("42");
    const ex = toCanonicalSpan(makeSpan({ name: "agentlightning.exception", attributes: { "exception.type": "ValueError", "exception.message": "bad" } }));
    expect(ex.error).toEqual({ type: "ValueError", message: "bad" });
  });

  it("is not detected from correlation ids alone", () => {
    const r = toCanonicalSpan(makeSpan({ name: "plain", attributes: { "agentlightning.rollout_id": "ro" } }));
    expect(r.type).toBe("OTHER");
    expect(r.rolloutId).toBe("ro");
  });
});
