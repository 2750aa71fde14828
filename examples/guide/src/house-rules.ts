import { definePlugin, GalleryError, html, isAdminActor } from "@vernissage/core";
import { z } from "zod";

// 1. The plugin's own table, as Kysely sees it.
interface HouseRulesTables {
  house_rules_log: { album_id: string; album_name: string; created_at: number };
}

// 2. The configuration: a zod schema; its defaults apply, admins can change it through `updatePlugin`.
const config = z.object({
  bannedWords: z.array(z.string().min(1)).default([]),
  notice: z.string().max(200).default(""),
});

export const houseRules = definePlugin({
  name: "house-rules",
  version: "1.0.0",
  compat: ">=0.0.0",
  description: "Refuses album names with banned words, logs new albums, shows a notice on photo pages",
  config,
  // 3. Migrations create the plugin's tables at install and drop them at uninstall.
  migrations: {
    "001_log": {
      async up(db) {
        await db.schema
          .createTable("house_rules_log")
          .addColumn("album_id", "text", (c) => c.primaryKey())
          .addColumn("album_name", "text", (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .execute();
      },
      async down(db) {
        await db.schema.dropTable("house_rules_log").execute();
      },
    },
  },
  setup(ctx) {
    const db = ctx.db<HouseRulesTables>();

    // 4. A `before` hook may change the context or veto by throwing a GalleryError.
    ctx.hook(
      "album:create:before",
      ({ fields }) => {
        const name = fields.name.toLowerCase();
        const banned = ctx.config.bannedWords.find((word) => name.includes(word.toLowerCase()));
        if (banned)
          throw new GalleryError("HOOK_VETOED", { detail: `Album names may not contain "${banned}".` });
      },
      { order: "pre" },
    );

    // 5. An `after` hook runs once the change is committed; its errors are logged, never thrown back.
    ctx.hook("album:create:after", async ({ album }) => {
      await db
        .insertInto("house_rules_log")
        .values({ album_id: album.id, album_name: album.name, created_at: Date.now() })
        .execute();
    });

    // 6. A route under /api/v1/plugins/house-rules/.
    //    The optional `summary`, `description`, `response` and `errors` document it in the OpenAPI document.
    ctx.registerRoute({
      method: "GET",
      path: "/log",
      admin: true,
      summary: "Albums created since the plugin was installed",
      description: "Newest first. Admins only.",
      response: z.object({ items: z.array(z.object({ albumId: z.string(), name: z.string() })) }),
      async handler({ actor }) {
        if (!isAdminActor(actor)) throw new GalleryError("FORBIDDEN");
        const items = await db
          .selectFrom("house_rules_log")
          .selectAll()
          .orderBy("created_at", "desc")
          .execute();
        return { items: items.map((i) => ({ albumId: i.album_id, name: i.album_name })) };
      },
    });

    // 7. A template slot on the photo page; `html` escapes every value.
    ctx.registerSlot("photo.details", () =>
      ctx.config.notice ? html`<dt>Notice</dt><dd class="house-notice">${ctx.config.notice}</dd>` : null,
    );
  },
});
