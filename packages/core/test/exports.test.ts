import * as core from "@vernissage/core";
import * as testing from "@vernissage/core/testing";
import { expect, it } from "vitest";

it("keeps the public export list deliberate", () => {
  expect(Object.keys(core).sort()).toMatchSnapshot();
  expect(Object.keys(testing).sort()).toMatchSnapshot();
});
