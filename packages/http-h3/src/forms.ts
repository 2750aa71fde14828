import { GalleryError } from "@vernissage/core";
import { assertCsrfToken, CSRF_FIELD } from "./session.js";

/** A posted HTML form, read once. */
export interface PostedForm {
  /** The parsed body (for files and repeated fields). */
  form: FormData;
  /** A text field cut to `max` characters; `""` when absent or a file. */
  field(name: string, max?: number): string;
}

/**
 * Read a urlencoded or multipart form body (`VALIDATION_FAILED` when it is not one). With `csrfToken`, the
 * form's CSRF token field must match the session (`CSRF_REJECTED` otherwise).
 */
export async function readPostedForm(
  request: Request,
  options: { csrfToken?: boolean } = {},
): Promise<PostedForm> {
  const form = await request.formData().catch(() => {
    throw new GalleryError("VALIDATION_FAILED", { detail: "Expected a form body." });
  });
  const field = (name: string, max = 1024) => {
    const value = form.get(name);
    return typeof value === "string" ? value.slice(0, max) : "";
  };
  if (options.csrfToken) assertCsrfToken(request, field(CSRF_FIELD, 200));
  return { form, field };
}
