import { describe, expect, it } from "vitest";
import { ChangeChannel, readChange, type Change, type ChangeOrigin } from "../../src/common/changes.js";

describe("the change channel", () => {
  it("delivers each change to the subscribers of its kind, with where it was made", () => {
    const channel = new ChangeChannel();
    const landing: [Change, ChangeOrigin][] = [];
    let jobs = 0;
    channel.subscribe("landing", (change, origin) => landing.push([change, origin]));
    const stop = channel.subscribe("jobs", () => jobs++);
    channel.publish({ kind: "landing", scope: "affiliate", code: "ann" });
    channel.receive({ kind: "landing", scope: "all" });
    channel.publish({ kind: "jobs" });
    stop();
    channel.publish({ kind: "jobs" });
    expect(landing).toEqual([
      [{ kind: "landing", scope: "affiliate", code: "ann" }, "here"],
      [{ kind: "landing", scope: "all" }, "elsewhere"],
    ]);
    expect(jobs).toBe(1);
  });

  it("never fails the write that published: a failing subscriber is logged, the others still run", () => {
    const channel = new ChangeChannel();
    let heard = 0;
    channel.subscribe("landing", () => {
      throw new Error("boom");
    });
    channel.subscribe("landing", () => heard++);
    expect(() => channel.publish({ kind: "landing", scope: "all" })).not.toThrow();
    expect(heard).toBe(1);
  });

  it("reads another instance's change, and anything it cannot read as the widest change of the kind", () => {
    expect(readChange("landing", { from: "x", kind: "landing", scope: "affiliate", code: "ann" })).toEqual({ kind: "landing", scope: "affiliate", code: "ann" });
    // The format instances sent before the channel existed: no kind.
    expect(readChange("landing", { from: "x", scope: "affiliate", code: "ann" })).toEqual({ kind: "landing", scope: "affiliate", code: "ann" });
    expect(readChange("landing", { scope: "affiliate" })).toEqual({ kind: "landing", scope: "all" });
    expect(readChange("landing", undefined)).toEqual({ kind: "landing", scope: "all" });
  });
});
