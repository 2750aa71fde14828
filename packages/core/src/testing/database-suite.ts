import { randomBytes } from "node:crypto";
import { type Insertable, Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { runMigrations } from "../db/migrate.js";
import { coreMigrations } from "../db/migrations.js";
import type { AlbumsTable, DB, JobsTable, PhotosTable, UsersTable } from "../db/schema.js";
import type { DatabaseAdapter } from "../ports/database.js";

/** What a {@link DatabaseSuiteFactory} hands the suite: an adapter over an **empty** database. */
export interface DatabaseSuiteInstance {
  /** The adapter under test. The suite builds its own `Kysely` from `adapter.dialect` and migrates it. */
  adapter: DatabaseAdapter;
  /**
   * Called once after every test, after the suite's `Kysely` instance was destroyed: close the adapter,
   * drop the throwaway database, remove the file…
   */
  cleanup?: () => Promise<void>;
}

/**
 * Makes an adapter over an empty database (no tables). Called once per suite: the tests share the database
 * and keep out of each other's way with unique ids.
 */
export type DatabaseSuiteFactory = () => Promise<DatabaseSuiteInstance>;

/** Options for {@link runDatabaseSuite}. */
export interface DatabaseSuiteOptions {
  /**
   * Tests to skip, by exact test name, each with the written reason it cannot pass on this adapter. The
   * reason is shown in the test title. An unknown test name or an empty reason is an error.
   *
   * @default {}
   * @example
   * { "errors: a CHECK violation is classified as check": "the engine does not enforce CHECK constraints" }
   */
  skip?: Record<string, string>;
}

interface SuiteState {
  adapter: DatabaseAdapter;
  db: Kysely<DB>;
  firstRun: string[];
  secondRun: string[];
}

type TestBody = (state: SuiteState, context: TestContext) => Promise<void>;

/** A loose view of the schema, for checks that walk every table the same way. */
type LooseDB = Record<string, Record<string, unknown>>;

/** Epoch milliseconds beyond 2^32 (2100-01-01T00:00:00.123Z): catches 32-bit truncation and string bigints. */
const FAR = 4_102_444_800_123;
const PAST_2_32 = 2 ** 32 + 7;
const NOW = Date.now();

/** A copy of `row` without `keys`. */
function without(row: object, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([key]) => !keys.includes(key)));
}

/** Run a statement that must fail and hand back what it threw. */
async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected the statement to fail, and it succeeded");
}

/**
 * The conformance suite every {@link DatabaseAdapter} runs: migrations (and their idempotence), round trips
 * through every table with timestamps as numbers, transactions, error classification, concurrent writers,
 * keyset pagination, Unicode text, the partial unique index on live jobs, and cascading deletes.
 *
 * @param name Shown in the suite's title, e.g. `"sqlite (file)"`.
 * @param factory Makes the adapter over an empty database; see {@link DatabaseSuiteFactory}.
 * @param options Skips, each with a written reason.
 * @example
 * import { runDatabaseSuite } from "@vernissage/core/testing";
 * import { sqliteDatabase } from "@vernissage/db-sqlite";
 *
 * runDatabaseSuite("sqlite (memory)", async () => {
 *   const adapter = sqliteDatabase({ filename: ":memory:" });
 *   return { adapter, cleanup: () => adapter.close() };
 * });
 */
export function runDatabaseSuite(
  name: string,
  factory: DatabaseSuiteFactory,
  options: DatabaseSuiteOptions = {},
): void {
  const skip = options.skip ?? {};
  const names = new Set<string>();
  // Upper-case hex only: such ids sort the same under every collation, so JS order can be the reference.
  const tag = randomBytes(4).toString("hex").toUpperCase();
  let counter = 0;
  const uid = (prefix: string): string => `${prefix}${tag}${String(++counter).padStart(4, "0")}`;

  describe(`database conformance: ${name}`, () => {
    let instance: DatabaseSuiteInstance | undefined;
    let state: SuiteState | undefined;

    beforeAll(async () => {
      instance = await factory();
      const db = new Kysely<DB>({ dialect: instance.adapter.dialect });
      // Assigned before migrating so that afterAll destroys the instance even when migrations fail.
      state = { adapter: instance.adapter, db, firstRun: [], secondRun: [] };
      state.firstRun = await runMigrations(db, { kind: instance.adapter.kind });
      state.secondRun = await runMigrations(db, { kind: instance.adapter.kind });
    });

    afterAll(async () => {
      await state?.db.destroy();
      await instance?.cleanup?.();
    });

    const test = (title: string, body: TestBody): void => {
      if (names.has(title)) throw new Error(`runDatabaseSuite: duplicate test name "${title}".`);
      names.add(title);
      const reason = skip[title];
      if (reason !== undefined) {
        it.skip(`${title} (skipped: ${reason})`, () => {});
        return;
      }
      it(title, async (context) => {
        if (!state) throw new Error("runDatabaseSuite: the factory or the migrations failed.");
        await body(state, context);
      });
    };

    // --- fixtures -------------------------------------------------------------------------------------

    const userRow = (overrides: Partial<Insertable<UsersTable>> = {}): Insertable<UsersTable> => {
      const id = overrides.id ?? uid("U");
      return {
        id,
        username: overrides.username ?? id,
        display_name: overrides.display_name ?? id,
        email: overrides.email ?? null,
        password_hash: overrides.password_hash ?? null,
        role: overrides.role ?? "member",
        privacy_level: overrides.privacy_level ?? 0,
        shared_account: overrides.shared_account ?? 0,
        status: overrides.status ?? "active",
        created_at: overrides.created_at ?? NOW,
        updated_at: overrides.updated_at ?? NOW,
      };
    };

    const addUser = async (db: Kysely<DB>, id = uid("U")): Promise<string> => {
      await db.insertInto("users").values(userRow({ id })).execute();
      return id;
    };

    const albumRow = (overrides: Partial<Insertable<AlbumsTable>> = {}): Insertable<AlbumsTable> => {
      const id = overrides.id ?? uid("A");
      return {
        id,
        parent_id: overrides.parent_id ?? null,
        name: overrides.name ?? id,
        slug: overrides.slug ?? id.toLowerCase(),
        description: overrides.description ?? "",
        visibility: overrides.visibility ?? "public",
        rank: overrides.rank ?? 0,
        cover_photo_id: overrides.cover_photo_id ?? null,
        owner_id: overrides.owner_id ?? null,
        created_at: overrides.created_at ?? NOW,
        updated_at: overrides.updated_at ?? NOW,
      };
    };

    const addAlbum = async (
      db: Kysely<DB>,
      parentId: string | null = null,
      ownerId: string | null = null,
    ) => {
      const id = uid("A");
      await db
        .insertInto("albums")
        .values(albumRow({ id, parent_id: parentId, owner_id: ownerId }))
        .execute();
      return id;
    };

    const photoRow = (overrides: Partial<Insertable<PhotosTable>> = {}): Insertable<PhotosTable> => {
      const id = overrides.id ?? uid("P");
      return {
        id,
        sha256: overrides.sha256 ?? id.padEnd(64, "0"),
        storage_key: overrides.storage_key ?? `originals/${id}.jpg`,
        original_filename: overrides.original_filename ?? `${id}.jpg`,
        mime_type: overrides.mime_type ?? "image/jpeg",
        byte_size: overrides.byte_size ?? 1234,
        width: overrides.width ?? 800,
        height: overrides.height ?? 600,
        orientation: overrides.orientation ?? 1,
        title: overrides.title ?? "",
        description: overrides.description ?? "",
        author: overrides.author ?? "",
        taken_at: overrides.taken_at ?? null,
        added_at: overrides.added_at ?? NOW,
        privacy_level: overrides.privacy_level ?? 0,
        uploader_id: overrides.uploader_id ?? null,
        thumbhash: overrides.thumbhash ?? null,
        metadata: overrides.metadata ?? null,
        updated_at: overrides.updated_at ?? NOW,
        // Typed metadata columns (0003_library).
        taken_at_offset: overrides.taken_at_offset ?? null,
        camera_make: overrides.camera_make ?? null,
        camera_model: overrides.camera_model ?? null,
        lens: overrides.lens ?? null,
        exposure_time: overrides.exposure_time ?? null,
        aperture: overrides.aperture ?? null,
        iso: overrides.iso ?? null,
        focal_length: overrides.focal_length ?? null,
        gps_latitude: overrides.gps_latitude ?? null,
        gps_longitude: overrides.gps_longitude ?? null,
        gps_altitude: overrides.gps_altitude ?? null,
        meta_title: overrides.meta_title ?? null,
        meta_description: overrides.meta_description ?? null,
        keywords: overrides.keywords ?? null,
        rating: overrides.rating ?? null,
        focus_x: overrides.focus_x ?? null,
        focus_y: overrides.focus_y ?? null,
      };
    };

    const addPhoto = async (db: Kysely<DB>, overrides: Partial<Insertable<PhotosTable>> = {}) => {
      const row = photoRow(overrides);
      await db.insertInto("photos").values(row).execute();
      return row.id;
    };

    const jobRow = (overrides: Partial<Insertable<JobsTable>> = {}): Insertable<JobsTable> => ({
      id: overrides.id ?? uid("J"),
      type: overrides.type ?? "derivatives",
      payload: overrides.payload ?? "{}",
      status: overrides.status ?? "pending",
      dedupe_key: overrides.dedupe_key ?? null,
      attempts: overrides.attempts ?? 0,
      max_attempts: overrides.max_attempts ?? 5,
      run_at: overrides.run_at ?? NOW,
      locked_by: overrides.locked_by ?? null,
      locked_until: overrides.locked_until ?? null,
      last_error: overrides.last_error ?? null,
      created_at: overrides.created_at ?? NOW,
      updated_at: overrides.updated_at ?? NOW,
    });

    /** Insert a complete row through a loose view, read it back, and compare every column. */
    const roundTrip = async (
      db: Kysely<DB>,
      table: keyof DB,
      row: Record<string, unknown>,
      key: readonly string[],
      timestamps: readonly string[],
    ): Promise<void> => {
      const loose = db as unknown as Kysely<LooseDB>;
      await loose.insertInto(table).values(row).execute();
      let query = loose.selectFrom(table).selectAll();
      for (const column of key) query = query.where(column, "=", row[column]);
      const back = await query.execute();
      expect(back).toHaveLength(1);
      expect(back[0]).toEqual(row);
      for (const column of timestamps) {
        expect(typeof back[0]?.[column], `${table}.${column}`).toBe("number");
      }
    };

    const count = async (db: Kysely<DB>, table: keyof DB, column: string, values: readonly string[]) => {
      const loose = db as unknown as Kysely<LooseDB>;
      const row = await loose
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as("n"))
        .where(column, "in", values)
        .executeTakeFirstOrThrow();
      return row.n;
    };

    // --- migrations and the adapter itself ------------------------------------------------------------

    test("migrations: apply every migration on an empty database, then nothing", async ({
      adapter,
      ...s
    }) => {
      expect(s.firstRun).toEqual(Object.keys(coreMigrations(adapter.kind)).sort());
      expect(s.secondRun).toEqual([]);
    });

    test("adapter: declares its kind and capabilities", async ({ adapter }) => {
      expect(["sqlite", "postgres"]).toContain(adapter.kind);
      expect(typeof adapter.capabilities.skipLocked).toBe("boolean");
      expect(typeof adapter.capabilities.multiProcess).toBe("boolean");
      expect(typeof adapter.classifyError).toBe("function");
    });

    // --- round trips ----------------------------------------------------------------------------------

    test("round trip: users", async ({ db }) => {
      const id = uid("U");
      const row = {
        id,
        username: id,
        display_name: "Ada",
        email: "ada@example.org",
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
        role: "admin",
        privacy_level: 8,
        shared_account: 1,
        status: "active",
        created_at: FAR,
        updated_at: PAST_2_32,
      };
      await roundTrip(db, "users", row, ["id"], ["created_at", "updated_at"]);
    });

    test("round trip: sessions", async ({ db }) => {
      const userId = await addUser(db);
      const row = {
        id: uid("S"),
        user_id: userId,
        secret_hash: "ab".repeat(32),
        created_at: NOW,
        expires_at: FAR,
        last_seen_at: PAST_2_32,
        ip: "2001:db8::1",
        user_agent: null,
      };
      await roundTrip(db, "sessions", row, ["id"], ["created_at", "expires_at", "last_seen_at"]);
    });

    test("round trip: albums", async ({ db }) => {
      const ownerId = await addUser(db);
      const parentId = await addAlbum(db);
      const id = uid("A");
      const row = {
        id,
        parent_id: parentId,
        name: "Holidays",
        slug: "holidays",
        description: "Summer",
        visibility: "private",
        rank: 3,
        cover_photo_id: null,
        owner_id: ownerId,
        created_at: PAST_2_32,
        updated_at: FAR,
        photo_order: "title",
      };
      await roundTrip(db, "albums", row, ["id"], ["created_at", "updated_at"]);
    });

    test("round trip: album_closure", async ({ db }) => {
      const parentId = await addAlbum(db);
      const childId = await addAlbum(db, parentId);
      const row = { ancestor_id: parentId, descendant_id: childId, depth: 1 };
      await roundTrip(db, "album_closure", row, ["ancestor_id", "descendant_id"], []);
    });

    test("round trip: photos, with null and 2^53-1 integers", async ({ db }) => {
      const uploaderId = await addUser(db);
      const row = photoRow({
        byte_size: Number.MAX_SAFE_INTEGER,
        width: 6000,
        height: 4000,
        orientation: 6,
        title: "Sunset",
        description: "Over the bay",
        author: "Ada",
        taken_at: null,
        added_at: FAR,
        privacy_level: 4,
        uploader_id: uploaderId,
        thumbhash: "1QcSHQRnh493V4dIh4eXh1h4kJUI",
        metadata: JSON.stringify({ exif: { FNumber: 2.8, ISO: 100 }, gps: null, keywords: ["sea", "sun"] }),
        updated_at: PAST_2_32,
        taken_at_offset: -330,
        camera_make: "Fujifilm",
        camera_model: "X-T4",
        lens: "XF35mmF1.4 R",
        exposure_time: 1 / 3,
        aperture: 2.8,
        iso: 6400,
        focal_length: 35.5,
        gps_latitude: -15.835554,
        gps_longitude: -48.015791,
        gps_altitude: 1133.4,
        meta_title: "Harbour",
        meta_description: "Boats",
        keywords: JSON.stringify(["sea", "sun"]),
        rating: -1,
        focus_x: 1000,
        focus_y: 0,
      });
      await roundTrip(db, "photos", row, ["id"], ["byte_size", "added_at", "updated_at"]);
      const withDate = { ...row, id: uid("P"), taken_at: PAST_2_32, uploader_id: null, metadata: null };
      await roundTrip(db, "photos", withDate, ["id"], ["taken_at", "added_at", "updated_at", "byte_size"]);
    });

    test("round trip: album_photos", async ({ db }) => {
      const albumId = await addAlbum(db);
      const photoId = await addPhoto(db);
      const row = { album_id: albumId, photo_id: photoId, rank: 7, added_at: FAR };
      await roundTrip(db, "album_photos", row, ["album_id", "photo_id"], ["added_at"]);
    });

    test("round trip: derivatives", async ({ db }) => {
      const key = `derivatives/${uid("D")}/medium.webp`;
      const row = {
        storage_key: key,
        source_sha256: "cd".repeat(32),
        preset: "medium",
        recipe_hash: "r1",
        format: "webp",
        width: 792,
        height: 594,
        byte_size: 5_000_000_000,
        created_at: FAR,
      };
      await roundTrip(db, "derivatives", row, ["storage_key"], ["byte_size", "created_at"]);
    });

    test("round trip: jobs", async ({ db }) => {
      const row = {
        id: uid("J"),
        type: "webhook",
        payload: JSON.stringify({ url: "https://example.org/hook", attempt: 1 }),
        status: "running",
        dedupe_key: uid("K"),
        attempts: 2,
        max_attempts: 10,
        run_at: FAR,
        locked_by: "worker-1",
        locked_until: PAST_2_32,
        last_error: "timeout",
        created_at: NOW,
        updated_at: NOW,
      };
      await roundTrip(db, "jobs", row, ["id"], ["run_at", "locked_until", "created_at", "updated_at"]);
    });

    test("round trip: settings", async ({ db }) => {
      const row = { key: uid("setting."), value: JSON.stringify({ loginOnly: true }), updated_at: FAR };
      await roundTrip(db, "settings", row, ["key"], ["updated_at"]);
    });

    test("defaults: omitted columns take their schema defaults", async ({ db }) => {
      // The loose view allows leaving out what the typed schema makes callers pass.
      const loose = db as unknown as Kysely<LooseDB>;
      const userId = uid("U");
      await loose
        .insertInto("users")
        .values({
          id: userId,
          username: userId,
          display_name: "x",
          role: "member",
          created_at: NOW,
          updated_at: NOW,
        })
        .execute();
      const albumId = uid("A");
      await loose
        .insertInto("albums")
        .values({ id: albumId, name: "x", slug: "x", created_at: NOW, updated_at: NOW })
        .execute();
      const photo = photoRow();
      await loose
        .insertInto("photos")
        .values(without(photo, ["orientation", "title", "description", "author", "privacy_level"]))
        .execute();
      const job = jobRow();
      await loose
        .insertInto("jobs")
        .values(without(job, ["attempts"]))
        .execute();

      const user = await db
        .selectFrom("users")
        .selectAll()
        .where("id", "=", userId)
        .executeTakeFirstOrThrow();
      expect(user).toMatchObject({ privacy_level: 0, shared_account: 0, status: "active", email: null });
      const album = await db
        .selectFrom("albums")
        .selectAll()
        .where("id", "=", albumId)
        .executeTakeFirstOrThrow();
      expect(album).toMatchObject({
        parent_id: null,
        description: "",
        visibility: "public",
        rank: 0,
        owner_id: null,
        photo_order: "manual",
      });
      const back = await db
        .selectFrom("photos")
        .selectAll()
        .where("id", "=", photo.id)
        .executeTakeFirstOrThrow();
      expect(back).toEqual({
        ...photo,
        orientation: 1,
        title: "",
        description: "",
        author: "",
        privacy_level: 0,
      });
      const jobBack = await db
        .selectFrom("jobs")
        .selectAll()
        .where("id", "=", job.id)
        .executeTakeFirstOrThrow();
      expect(jobBack).toEqual({ ...job, attempts: 0 });
    });

    test("numbers: count(*), max() and arithmetic on timestamps come back as numbers", async ({ db }) => {
      const ids = [await addPhoto(db, { added_at: FAR }), await addPhoto(db, { added_at: PAST_2_32 })];
      const row = await db
        .selectFrom("photos")
        .select((eb) => [
          eb.fn.countAll<number>().as("n"),
          eb.fn.max("added_at").as("latest"),
          eb.fn.min("added_at").as("earliest"),
          sql<number>`max(added_at) + 1`.as("next"),
        ])
        .where("id", "in", ids)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ n: 2, latest: FAR, earliest: PAST_2_32, next: FAR + 1 });
    });

    // --- transactions ---------------------------------------------------------------------------------

    test("transactions: a commit keeps every write", async ({ db }) => {
      const userId = uid("U");
      const sessionId = uid("S");
      await db.transaction().execute(async (trx) => {
        await addUser(trx, userId);
        await trx
          .insertInto("sessions")
          .values({
            id: sessionId,
            user_id: userId,
            secret_hash: "x",
            created_at: NOW,
            expires_at: FAR,
            last_seen_at: NOW,
          })
          .execute();
      });
      expect(await count(db, "users", "id", [userId])).toBe(1);
      expect(await count(db, "sessions", "id", [sessionId])).toBe(1);
    });

    test("transactions: an error thrown inside rolls every write back", async ({ db }) => {
      const userId = uid("U");
      const albumId = uid("A");
      const thrown = new Error("abort the transaction");
      const error = await failure(() =>
        db.transaction().execute(async (trx) => {
          await addUser(trx, userId);
          await trx
            .insertInto("albums")
            .values(albumRow({ id: albumId, owner_id: userId }))
            .execute();
          throw thrown;
        }),
      );
      expect(error).toBe(thrown);
      expect(await count(db, "users", "id", [userId])).toBe(0);
      expect(await count(db, "albums", "id", [albumId])).toBe(0);
    });

    test("transactions: a failed statement inside rolls every write back", async ({ adapter, db }) => {
      const userId = uid("U");
      const existing = await addUser(db);
      const error = await failure(() =>
        db.transaction().execute(async (trx) => {
          await addUser(trx, userId);
          await addUser(trx, existing);
        }),
      );
      expect(adapter.classifyError(error)).toBe("unique");
      expect(await count(db, "users", "id", [userId])).toBe(0);
      // The connection is usable again afterwards.
      expect(await count(db, "users", "id", [existing])).toBe(1);
    });

    // --- error classification -------------------------------------------------------------------------

    test("errors: a duplicate users.username is classified as unique", async ({ adapter, db }) => {
      const first = await addUser(db);
      const error = await failure(() =>
        db
          .insertInto("users")
          .values(userRow({ username: first }))
          .execute(),
      );
      expect(adapter.classifyError(error)).toBe("unique");
    });

    test("errors: a duplicate primary key is classified as unique", async ({ adapter, db }) => {
      const key = uid("setting.");
      await db.insertInto("settings").values({ key, value: "1", updated_at: NOW }).execute();
      const error = await failure(() =>
        db.insertInto("settings").values({ key, value: "2", updated_at: NOW }).execute(),
      );
      expect(adapter.classifyError(error)).toBe("unique");
    });

    test("errors: album_photos with a missing album is classified as foreign-key", async ({
      adapter,
      db,
    }) => {
      const photoId = await addPhoto(db);
      const error = await failure(() =>
        db
          .insertInto("album_photos")
          .values({ album_id: uid("missing"), photo_id: photoId, rank: 0, added_at: NOW })
          .execute(),
      );
      expect(adapter.classifyError(error)).toBe("foreign-key");
      expect(await count(db, "album_photos", "photo_id", [photoId])).toBe(0);
    });

    test("errors: NULL in a NOT NULL column is classified as not-null", async ({ adapter, db }) => {
      const key = uid("setting.");
      const error = await failure(() =>
        sql`insert into settings (key, value, updated_at) values (${key}, ${null}, ${NOW})`.execute(db),
      );
      expect(adapter.classifyError(error)).toBe("not-null");
    });

    test("errors: a CHECK violation is classified as check", async ({ adapter, db }) => {
      const table = `vt_check_${tag.toLowerCase()}`;
      await db.schema
        .createTable(table)
        .addColumn("n", "integer", (c) => c.notNull().check(sql`n > 0`))
        .execute();
      try {
        await sql`insert into ${sql.table(table)} (n) values (${1})`.execute(db);
        const error = await failure(() =>
          sql`insert into ${sql.table(table)} (n) values (${-1})`.execute(db),
        );
        expect(adapter.classifyError(error)).toBe("check");
      } finally {
        await db.schema.dropTable(table).execute();
      }
    });

    test("errors: other errors and non-errors are not classified", async ({ adapter, db }) => {
      const syntax = await failure(() => sql`selec 1`.execute(db));
      const missing = await failure(() => sql`select * from vt_no_such_table`.execute(db));
      for (const error of [
        syntax,
        missing,
        new Error("plain"),
        new TypeError("type"),
        null,
        undefined,
        "x",
        42,
        {},
      ]) {
        expect(adapter.classifyError(error)).toBeUndefined();
      }
    });

    // --- concurrency ----------------------------------------------------------------------------------

    test("concurrency: 50 concurrent inserts all land", async ({ db }) => {
      const keys = Array.from({ length: 50 }, () => uid("setting."));
      await Promise.all(
        keys.map((key, i) =>
          db
            .insertInto("settings")
            .values({ key, value: String(i), updated_at: NOW })
            .execute(),
        ),
      );
      expect(await count(db, "settings", "key", keys)).toBe(50);
    });

    test("concurrency: 20 concurrent transactions all commit", async ({ db }) => {
      const userIds = Array.from({ length: 20 }, () => uid("U"));
      const sessionIds = userIds.map(() => uid("S"));
      await Promise.all(
        userIds.map((userId, i) =>
          db.transaction().execute(async (trx) => {
            await addUser(trx, userId);
            await trx
              .insertInto("sessions")
              .values({
                id: sessionIds[i] ?? "",
                user_id: userId,
                secret_hash: "x",
                created_at: NOW,
                expires_at: FAR,
                last_seen_at: NOW,
              })
              .execute();
          }),
        ),
      );
      expect(await count(db, "users", "id", userIds)).toBe(20);
      expect(await count(db, "sessions", "id", sessionIds)).toBe(20);
    });

    test("concurrency: concurrent increments lose no update", async ({ db }) => {
      const job = jobRow();
      await db.insertInto("jobs").values(job).execute();
      await Promise.all(
        Array.from({ length: 25 }, () =>
          db
            .updateTable("jobs")
            .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
            .where("id", "=", job.id)
            .execute(),
        ),
      );
      const row = await db
        .selectFrom("jobs")
        .select("attempts")
        .where("id", "=", job.id)
        .executeTakeFirstOrThrow();
      expect(row.attempts).toBe(25);
    });

    test("locking: FOR UPDATE SKIP LOCKED passes over a row another transaction holds", async (s, context) => {
      if (!s.adapter.capabilities.skipLocked) {
        context.skip("the adapter declares capabilities.skipLocked = false");
      }
      const { db } = s;
      const held = jobRow();
      const free = jobRow();
      await db.insertInto("jobs").values([held, free]).execute();
      await db.transaction().execute(async (trx) => {
        await trx.selectFrom("jobs").select("id").where("id", "=", held.id).forUpdate().execute();
        const claimed = await db
          .transaction()
          .execute((other) =>
            other
              .selectFrom("jobs")
              .select("id")
              .where("id", "in", [held.id, free.id])
              .orderBy("id")
              .forUpdate()
              .skipLocked()
              .execute(),
          );
        expect(claimed.map((r) => r.id)).toEqual([free.id]);
      });
    });

    // --- pagination -----------------------------------------------------------------------------------

    test("pagination: keyset over (added_at, id) is stable across pages with ties", async ({ db }) => {
      const author = uid("page");
      const total = 23;
      const base = FAR - 10;
      // Five distinct added_at values for 23 photos: most pages cut through a run of ties.
      const rows = Array.from({ length: total }, (_, i) => ({
        id: `${author}X${String((i * 7) % total).padStart(3, "0")}`,
        added_at: base + (i % 5),
      }));
      // Generation order (the insert order) is unrelated to either sort key.
      for (const r of rows) await addPhoto(db, { id: r.id, added_at: r.added_at, author });

      const byKey = (a: { added_at: number; id: string }, b: { added_at: number; id: string }) =>
        a.added_at - b.added_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      const ascending = [...rows].sort(byKey).map((r) => r.id);

      for (const direction of ["asc", "desc"] as const) {
        const compare = direction === "asc" ? ">" : "<";
        const seen: string[] = [];
        let cursor: { added_at: number; id: string } | undefined;
        for (let page = 0; page < total; page++) {
          let query = db.selectFrom("photos").select(["id", "added_at"]).where("author", "=", author);
          if (cursor) {
            const after = cursor;
            query = query.where((eb) =>
              eb.or([
                eb("added_at", compare, after.added_at),
                eb.and([eb("added_at", "=", after.added_at), eb("id", compare, after.id)]),
              ]),
            );
          }
          const items = await query
            .orderBy("added_at", direction)
            .orderBy("id", direction)
            .limit(5)
            .execute();
          for (const item of items) expect(typeof item.added_at).toBe("number");
          seen.push(...items.map((r) => r.id));
          const last = items.at(-1);
          if (items.length < 5 || !last) break;
          cursor = last;
        }
        const expected = direction === "asc" ? ascending : [...ascending].reverse();
        expect(seen).toEqual(expected);
      }
    });

    // --- text -----------------------------------------------------------------------------------------

    test("text: Unicode round-trips and matches by equality", async ({ db }) => {
      const samples = [
        "Café crème, naïve façade, Ærøskøbing",
        "e\u0301 (combining acute) vs \u00e9",
        "東京の夜景 · 北京 · 서울",
        "Ελληνικά · Кириллица · עברית · العربية",
        "📷🌅 👩‍👩‍👧‍👦 🇫🇷 ☕️",
        "tab\tnewline\nquote' double\" backslash\\ percent% underscore_",
      ];
      for (const title of samples) {
        const id = await addPhoto(db, { title, description: title, metadata: JSON.stringify({ title }) });
        const row = await db
          .selectFrom("photos")
          .select(["id", "title", "description", "metadata"])
          .where("title", "=", title)
          .where("id", "=", id)
          .executeTakeFirstOrThrow();
        expect(row.title).toBe(title);
        expect(row.description).toBe(title);
        expect(JSON.parse(row.metadata ?? "null")).toEqual({ title });
      }
      // Composed and decomposed forms are different strings: no silent normalisation.
      const composed = await db.selectFrom("photos").select("id").where("title", "=", "\u00e9").execute();
      expect(composed).toEqual([]);
    });

    test("text: lower() compares ASCII case-insensitively while = stays case-sensitive", async ({ db }) => {
      const id = uid("U");
      const username = `MiXeD.Case_${id}`;
      await db.insertInto("users").values(userRow({ id, username })).execute();
      const lowered = await db
        .selectFrom("users")
        .select("id")
        .where((eb) => eb(eb.fn<string>("lower", ["username"]), "=", username.toLowerCase()))
        .execute();
      expect(lowered.map((r) => r.id)).toEqual([id]);
      const exact = await db
        .selectFrom("users")
        .select("id")
        .where("username", "=", username.toLowerCase())
        .execute();
      expect(exact).toEqual([]);
    });

    // --- jobs_dedupe_live_idx -------------------------------------------------------------------------

    test("jobs: two live jobs with the same dedupe_key are a unique violation", async ({ adapter, db }) => {
      const key = uid("K");
      await db
        .insertInto("jobs")
        .values(jobRow({ dedupe_key: key }))
        .execute();
      const pending = await failure(() =>
        db
          .insertInto("jobs")
          .values(jobRow({ dedupe_key: key }))
          .execute(),
      );
      expect(adapter.classifyError(pending)).toBe("unique");
      const running = await failure(() =>
        db
          .insertInto("jobs")
          .values(jobRow({ dedupe_key: key, status: "running" }))
          .execute(),
      );
      expect(adapter.classifyError(running)).toBe("unique");
    });

    test("jobs: finished jobs and null keys do not block a live job", async ({ db }) => {
      const key = uid("K");
      const first = jobRow({ dedupe_key: key });
      await db.insertInto("jobs").values(first).execute();
      await db.updateTable("jobs").set({ status: "done" }).where("id", "=", first.id).execute();
      await db
        .insertInto("jobs")
        .values([jobRow({ dedupe_key: key, status: "dead" }), jobRow({ dedupe_key: key })])
        .execute();
      expect(await count(db, "jobs", "dedupe_key", [key])).toBe(3);
      const unkeyed = [jobRow({ dedupe_key: null }), jobRow({ dedupe_key: null })];
      await db.insertInto("jobs").values(unkeyed).execute();
      expect(
        await count(
          db,
          "jobs",
          "id",
          unkeyed.map((j) => j.id),
        ),
      ).toBe(2);
    });

    // --- cascades -------------------------------------------------------------------------------------

    test("cascade: deleting an album removes its subtree, closure rows and memberships", async ({ db }) => {
      const rootId = await addAlbum(db);
      const childId = await addAlbum(db, rootId);
      const grandchildId = await addAlbum(db, childId);
      const otherId = await addAlbum(db);
      const closure = [
        { ancestor_id: rootId, descendant_id: rootId, depth: 0 },
        { ancestor_id: childId, descendant_id: childId, depth: 0 },
        { ancestor_id: grandchildId, descendant_id: grandchildId, depth: 0 },
        { ancestor_id: rootId, descendant_id: childId, depth: 1 },
        { ancestor_id: rootId, descendant_id: grandchildId, depth: 2 },
        { ancestor_id: childId, descendant_id: grandchildId, depth: 1 },
        { ancestor_id: otherId, descendant_id: otherId, depth: 0 },
      ];
      await db.insertInto("album_closure").values(closure).execute();
      const photoId = await addPhoto(db);
      await db
        .insertInto("album_photos")
        .values(
          [rootId, childId, grandchildId, otherId].map((album_id, rank) => ({
            album_id,
            photo_id: photoId,
            rank,
            added_at: NOW,
          })),
        )
        .execute();

      await db.deleteFrom("albums").where("id", "=", rootId).execute();

      const tree = [rootId, childId, grandchildId];
      expect(await count(db, "albums", "id", tree)).toBe(0);
      expect(await count(db, "album_closure", "ancestor_id", tree)).toBe(0);
      expect(await count(db, "album_closure", "descendant_id", tree)).toBe(0);
      expect(await count(db, "album_photos", "album_id", tree)).toBe(0);
      // What lies outside the subtree stays, and so does the photo itself.
      expect(await count(db, "albums", "id", [otherId])).toBe(1);
      expect(await count(db, "album_closure", "ancestor_id", [otherId])).toBe(1);
      expect(await count(db, "album_photos", "photo_id", [photoId])).toBe(1);
      expect(await count(db, "photos", "id", [photoId])).toBe(1);
    });

    test("cascade: deleting a user removes sessions and clears owner and uploader", async ({ db }) => {
      const userId = await addUser(db);
      const sessionId = uid("S");
      await db
        .insertInto("sessions")
        .values({
          id: sessionId,
          user_id: userId,
          secret_hash: "x",
          created_at: NOW,
          expires_at: FAR,
          last_seen_at: NOW,
        })
        .execute();
      const albumId = await addAlbum(db, null, userId);
      const photoId = await addPhoto(db, { uploader_id: userId });

      await db.deleteFrom("users").where("id", "=", userId).execute();

      expect(await count(db, "sessions", "id", [sessionId])).toBe(0);
      const album = await db
        .selectFrom("albums")
        .select("owner_id")
        .where("id", "=", albumId)
        .executeTakeFirstOrThrow();
      expect(album.owner_id).toBeNull();
      const photo = await db
        .selectFrom("photos")
        .select("uploader_id")
        .where("id", "=", photoId)
        .executeTakeFirstOrThrow();
      expect(photo.uploader_id).toBeNull();
    });

    for (const title of Object.keys(skip)) {
      if (!names.has(title)) throw new Error(`runDatabaseSuite: no test named "${title}" to skip.`);
      if (!skip[title]?.trim())
        throw new Error(`runDatabaseSuite: skipping "${title}" needs a written reason.`);
    }
  });
}
