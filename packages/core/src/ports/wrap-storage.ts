import { GalleryError } from "../errors.js";
import type { StorageAdapter } from "./storage.js";
import { assertValidStorageKey, assertValidStoragePrefix } from "./storage-keys.js";

function tag(adapter: StorageAdapter, op: string, error: unknown): never {
  if (error instanceof GalleryError) throw error;
  throw new GalleryError("STORAGE_ERROR", {
    detail: `Storage "${adapter.name}" failed during ${op}.`,
    data: { storage: adapter.name, operation: op },
    cause: error,
  });
}

/**
 * Wraps a storage adapter once: every key is validated before it reaches the adapter, and every failure that
 * is not already a {@link GalleryError} becomes `STORAGE_ERROR` carrying the adapter name.
 */
export function wrapStorage(adapter: StorageAdapter): StorageAdapter {
  const wrapped: StorageAdapter = {
    name: adapter.name,
    async put(key, body, options) {
      assertValidStorageKey(key);
      try {
        return await adapter.put(key, body, options);
      } catch (error) {
        tag(adapter, "put", error);
      }
    },
    async get(key, options) {
      assertValidStorageKey(key);
      const range = options?.range;
      if (
        range &&
        (!Number.isInteger(range.start) ||
          range.start < 0 ||
          (range.end !== undefined && (!Number.isInteger(range.end) || range.end < range.start)))
      ) {
        throw new GalleryError("RANGE_NOT_SATISFIABLE");
      }
      try {
        return await adapter.get(key, options);
      } catch (error) {
        tag(adapter, "get", error);
      }
    },
    async head(key) {
      assertValidStorageKey(key);
      try {
        return await adapter.head(key);
      } catch (error) {
        tag(adapter, "head", error);
      }
    },
    async delete(key) {
      assertValidStorageKey(key);
      try {
        await adapter.delete(key);
      } catch (error) {
        tag(adapter, "delete", error);
      }
    },
    async list(prefix, options) {
      assertValidStoragePrefix(prefix);
      try {
        return await adapter.list(prefix, options);
      } catch (error) {
        tag(adapter, "list", error);
      }
    },
  };
  if (adapter.signedUrl) {
    const signedUrl = adapter.signedUrl.bind(adapter);
    wrapped.signedUrl = async (key, options) => {
      assertValidStorageKey(key);
      try {
        return await signedUrl(key, options);
      } catch (error) {
        tag(adapter, "signedUrl", error);
      }
    };
  }
  if (adapter.close) wrapped.close = adapter.close.bind(adapter);
  return wrapped;
}
