import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import SwaggerParser from "@apidevtools/swagger-parser";
import { definePlugin, ERROR_CATALOGUE, GalleryError, type GalleryErrorCode, SYSTEM } from "@vernissage/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { houseRules } from "../../../examples/guide/src/house-rules.js";
import { documentedErrors, listApiRoutes } from "../src/index.js";
import { setup } from "./helpers.js";

const run = promisify(execFile);
const PACKAGE = resolve(import.meta.dirname, "..");
const REDOCLY = join(PACKAGE, "node_modules", ".bin", "redocly");

type Operation = {
  operationId: string;
  summary?: string;
  description?: string;
  "x-required-scope"?: string;
  security?: unknown[];
  parameters?: { $ref?: string; name?: string }[];
  responses: Record<
    string,
    {
      headers?: Record<string, unknown>;
      content?: Record<string, { schema: { allOf?: { properties?: { code?: { enum?: string[] } } }[] } }>;
      "x-error-codes"?: string[];
      $ref?: string;
    }
  >;
};
type Response = Operation["responses"][string];
type Doc = {
  paths: Record<string, Record<string, Operation>>;
  tags: { name: string; description: string }[];
  components: { responses: Record<string, Response> };
};

/** A response, following its `$ref` into `components.responses`. */
function resolveResponse(doc: Doc, response: Response | undefined): Response | undefined {
  const ref = response?.$ref;
  return ref ? doc.components.responses[ref.replace("#/components/responses/", "")] : response;
}

/** A plugin with a documented route, and one pushed in `http:routes:extend`. */
const documented = definePlugin({
  name: "doc-check",
  version: "1.0.0",
  setup(ctx) {
    ctx.registerRoute({
      method: "POST",
      path: "/notes/{albumId}",
      summary: "Attach a note to an album",
      description: "Stores a short note.",
      operationId: "addNote",
      body: z.object({ text: z.string().min(1).max(200) }).strict(),
      response: z.object({ id: z.string(), text: z.string() }),
      status: 201,
      errors: ["VALIDATION_FAILED", "FORBIDDEN"],
      handler: () => {
        throw new GalleryError("FORBIDDEN");
      },
    });
    ctx.hook("http:routes:extend", ({ routes }) => {
      routes.push({ plugin: "doc-check", method: "GET", path: "/ping", handler: () => ({ pong: true }) });
    });
  },
});

/** Lint a document with Redocly's CLI (the recommended-strict ruleset and the stricter rules of redocly.yaml). */
async function redoclyLint(doc: unknown): Promise<{
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; message: string }[];
}> {
  const dir = await mkdtemp(join(tmpdir(), "vernissage-openapi-"));
  try {
    const file = join(dir, "openapi.json");
    await writeFile(file, JSON.stringify(doc));
    // Exits non-zero on errors; the JSON report is on stdout either way.
    const { stdout } = await run(
      REDOCLY,
      ["lint", file, "--config", join(PACKAGE, "redocly.yaml"), "--format", "json", "--max-problems", "50"],
      {
        cwd: dir,
        env: {
          ...process.env,
          REDOCLY_TELEMETRY: "off",
          REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
          NO_COLOR: "1",
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((error: { stdout?: string; stderr?: string }) => {
      if (error.stdout?.trimStart().startsWith("{")) return { stdout: error.stdout };
      throw new Error(`redocly lint could not run:\n${error.stderr ?? ""}`);
    });
    return JSON.parse(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("the OpenAPI document", () => {
  let t: Awaited<ReturnType<typeof setup>>;
  let doc: Doc;

  beforeAll(async () => {
    t = await setup({ gallery: { plugins: [{ plugin: houseRules }, { plugin: documented }] } });
    const res = await t.request("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    doc = (await res.json()) as Doc;
  });
  afterAll(async () => {
    await t?.close();
  });

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );

  it("has a Redocly CLI installed to validate it", () => {
    expect(existsSync(REDOCLY)).toBe(true);
  });

  it("is checked by a linter that finds problems (a broken document fails)", async () => {
    const broken = structuredClone(doc);
    const ok = broken.paths["/albums"]?.get?.responses["200"]?.content?.["application/json"];
    if (ok) ok.schema = { $ref: "#/components/schemas/Nowhere" } as never;
    for (const tag of broken.tags) tag.description = "";
    const report = await redoclyLint(broken);
    expect(report.problems.map((p) => p.ruleId)).toEqual(
      expect.arrayContaining(["no-unresolved-refs", "tag-description"]),
    );
  });

  it("passes `redocly lint` (recommended-strict and stricter rules) with zero problems", async () => {
    const report = await redoclyLint(doc);
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it("passes swagger-parser's validation", async () => {
    await SwaggerParser.validate(structuredClone(doc) as never);
  });

  it("documents every registered route with its scope and every error response with its codes", () => {
    const routes = listApiRoutes();
    expect(routes.length).toBeGreaterThan(50);
    for (const route of routes) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      if (!op) continue;
      expect(op.operationId).toBe(route.operationId);
      expect(op["x-required-scope"]).toBe(route.scope);
      expect(op.summary?.length).toBeGreaterThan(0);
      expect(op.description?.length, route.operationId).toBeGreaterThan(0);
      expect(op.security?.length).toBeGreaterThan(0);
      const codes = documentedErrors(route);
      // Every declared code is documented, plus those the HTTP layer adds.
      for (const code of route.errors) expect(codes).toContain(code);
      for (const code of codes) {
        const status = String(ERROR_CATALOGUE[code].status);
        const response = resolveResponse(doc, op.responses[status]);
        expect(response, `${route.operationId} ${status}`).toBeDefined();
        expect(response?.["x-error-codes"]).toContain(code);
        const schema = response?.content?.["application/problem+json"]?.schema;
        expect(schema?.allOf?.[1]?.properties?.code?.enum).toContain(code);
        expect(response?.headers).toHaveProperty("X-Request-Id");
      }
      expect(codes).toContain("RATE_LIMITED");
      expect(resolveResponse(doc, op.responses["429"])?.headers).toHaveProperty("Retry-After");
    }
  });

  it("lists the layer's own codes: scope, authentication, CSRF, idempotency", () => {
    const byId = new Map(listApiRoutes().map((r) => [r.operationId, r]));
    const of = (id: string) => {
      const route = byId.get(id);
      if (!route) throw new Error(`no route ${id}`);
      return documentedErrors(route);
    };
    expect(of("createAlbum")).toEqual(
      expect.arrayContaining<GalleryErrorCode>([
        "INSUFFICIENT_SCOPE",
        "UNAUTHENTICATED",
        "CSRF_REJECTED",
        "VALIDATION_FAILED",
        "IDEMPOTENCY_KEY_REUSED",
      ]),
    );
    expect(of("getSession")).not.toContain("INSUFFICIENT_SCOPE");
    expect(of("getSession")).not.toContain("CSRF_REJECTED");
    const createAlbum = doc.paths["/albums"]?.post;
    expect(createAlbum?.parameters?.some((p) => p.$ref === "#/components/parameters/IdempotencyKey")).toBe(
      true,
    );
    // A route whose response holds a secret shown once takes no key.
    const createShare = doc.paths["/shares"]?.post;
    expect(createShare?.parameters?.some((p) => p.$ref?.endsWith("IdempotencyKey")) ?? false).toBe(false);
  });

  it("documents the routes of enabled plugins, registered or pushed in http:routes:extend", async () => {
    const log = doc.paths["/plugins/house-rules/log"]?.get;
    expect(log?.summary).toBe("Albums created since the plugin was installed");
    expect(log?.["x-required-scope"]).toBe("admin");
    expect(resolveResponse(doc, log?.responses["403"])?.["x-error-codes"]).toContain("FORBIDDEN");
    const note = doc.paths["/plugins/doc-check/notes/{albumId}"]?.post;
    expect(note?.operationId).toBe("docCheck_addNote");
    expect(note?.["x-required-scope"]).toBe("public");
    expect(Object.keys(note?.responses ?? {})).toEqual(expect.arrayContaining(["201", "400", "403", "404"]));
    expect(doc.paths["/plugins/doc-check/ping"]?.get?.operationId).toBe("docCheck_getPing");

    // A disabled plugin's routes leave the document.
    await t.gallery.plugins.disable(SYSTEM, "doc-check");
    const after = (await (await t.request("/api/v1/openapi.json")).json()) as Doc;
    expect(after.paths["/plugins/doc-check/ping"]).toBeUndefined();
    expect(after.paths["/plugins/doc-check/notes/{albumId}"]).toBeUndefined();
    expect(after.paths["/plugins/house-rules/log"]).toBeDefined();
    await t.gallery.plugins.enable(SYSTEM, "doc-check");
  });

  it("describes every tag it uses", () => {
    const used = new Set(operations().flatMap(({ op }) => (op as { tags?: string[] }).tags ?? []));
    const declared = new Map(doc.tags.map((tag) => [tag.name, tag.description]));
    for (const tag of used) {
      expect(declared.get(tag), tag).toBeDefined();
      expect(declared.get(tag)).not.toMatch(/^Operations on /);
    }
  });
});
