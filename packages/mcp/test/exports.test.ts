import * as mcp from "@vernissage/mcp";
import { expect, it } from "vitest";

it("keeps the public export list deliberate", () => {
  expect(Object.keys(mcp).sort()).toMatchInlineSnapshot(`
    [
      "MCP_MAX_UPLOAD_BYTES",
      "RESOURCE_NOT_FOUND",
      "absoluteLinks",
      "createMcpServer",
      "mcpToolCatalogue",
      "toolError",
    ]
  `);
});
