import * as cli from "@vernissage/cli";
import { expect, it } from "vitest";

it("keeps the public export list deliberate", () => {
  expect(Object.keys(cli).sort()).toMatchSnapshot();
});
