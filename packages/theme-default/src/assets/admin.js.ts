/**
 * The admin upload script, served as the `admin.js` asset and loaded only by admin pages. Progressive
 * enhancement of the upload form: files dropped on the drop zone or chosen in the field are sent one by one,
 * each with its own `<progress>` and status. Files smaller than `data-resumable-threshold` are posted whole to
 * the upload API (`data-upload-url`); larger ones go through the resumable (tus 1.0.0) endpoint
 * (`data-resumable-url`) in chunks: after a network failure the script asks the server for its offset (HEAD)
 * and continues from there, with growing pauses; a Cancel button terminates the upload (DELETE). A small own
 * client (about 2 kB) instead of tus-js-client (about 20 kB min+gz). Without the script the form posts to the
 * server. It sets no inline style (CSP `style-src 'self'`).
 */
export const adminJs = `"use strict";
(function () {
  var form = document.getElementById("upload-form");
  if (!form) return;
  var list = document.getElementById("upload-list");
  var input = form.querySelector("input[type=file]");
  var album = form.querySelector("select[name=albumId]");
  var zone = form.querySelector("[data-drop-zone]");
  var url = form.getAttribute("data-upload-url");
  var tusUrl = form.getAttribute("data-resumable-url");
  var threshold = Number(form.getAttribute("data-resumable-threshold") || "8388608");
  // Chunks as large as the threshold, between 256 KiB and 8 MiB: few requests, little to resend after a failure.
  var chunkSize = Math.min(8388608, Math.max(262144, threshold));
  var retryDelays = [500, 1000, 2000, 4000, 8000, 15000, 30000];
  var labels = {};
  try {
    labels = JSON.parse((document.getElementById("upload-messages") || {}).textContent || "{}");
  } catch (e) {
    labels = {};
  }
  var pending = [];

  function csrf() {
    var token = form.querySelector("input[name=_csrf]");
    return token ? token.value : null;
  }

  function item(file) {
    var li = document.createElement("li");
    li.className = "upload-item";
    li.setAttribute("data-testid", "upload-item");
    var name = document.createElement("span");
    name.className = "upload-name";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", file.name);
    var status = document.createElement("span");
    status.className = "upload-status";
    status.setAttribute("data-testid", "upload-status");
    status.textContent = labels.waiting || "Waiting";
    li.appendChild(name);
    li.appendChild(bar);
    li.appendChild(status);
    list.appendChild(li);
    return { file: file, li: li, bar: bar, status: status, cancelled: false, xhr: null, location: null };
  }

  function queue(files) {
    for (var i = 0; i < files.length; i++) pending.push(item(files[i]));
  }

  function finish(entry, ok, body) {
    entry.li.setAttribute("data-state", ok ? "done" : "failed");
    if (ok) entry.bar.value = 100;
    entry.status.textContent = ok
      ? (body.duplicate ? labels.duplicate || "Already in the gallery" : labels.done || "Done")
      : (labels.failed || "Failed") + (body.code ? " (" + body.code + ")" : "");
    if (entry.cancelButton) entry.cancelButton.remove();
    return ok;
  }

  function send(entry) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("albumId", album.value);
      data.append("file", entry.file, entry.file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("accept", "application/json");
      if (csrf()) xhr.setRequestHeader("x-csrf-token", csrf());
      entry.status.textContent = labels.sending || "Uploading";
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) entry.bar.value = Math.round((event.loaded / event.total) * 100);
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
        resolve(finish(entry, xhr.status >= 200 && xhr.status < 300, body));
      });
      xhr.addEventListener("error", function () {
        resolve(finish(entry, false, {}));
      });
      xhr.send(data);
    });
  }

  // --- Resumable (tus 1.0.0) ---------------------------------------------------------------------------
  function base64(text) {
    var bytes = new TextEncoder().encode(text);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary);
  }

  /** One tus request; resolves with the XHR when an answer came (any status), rejects on a network failure. */
  function tus(entry, method, target, headers, body, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      entry.xhr = xhr;
      xhr.open(method, target);
      xhr.setRequestHeader("tus-resumable", "1.0.0");
      xhr.setRequestHeader("accept", "application/json");
      if (csrf()) xhr.setRequestHeader("x-csrf-token", csrf());
      for (var key in headers) xhr.setRequestHeader(key, headers[key]);
      if (onProgress) {
        xhr.upload.addEventListener("progress", function (event) { onProgress(event.loaded); });
      }
      xhr.addEventListener("load", function () { resolve(xhr); });
      xhr.addEventListener("error", function () { reject(new Error("network")); });
      xhr.addEventListener("abort", function () { reject(new Error("aborted")); });
      xhr.send(body === undefined ? null : body);
    });
  }

  function problem(xhr) {
    try { return JSON.parse(xhr.responseText) || {}; } catch (e) { return {}; }
  }

  function wait(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function cancelButton(entry) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-small";
    button.setAttribute("data-testid", "upload-cancel");
    button.textContent = labels.cancel || "Cancel";
    button.addEventListener("click", function () {
      entry.cancelled = true;
      if (entry.xhr) entry.xhr.abort();
    });
    entry.li.appendChild(button);
    entry.cancelButton = button;
  }

  async function cancelled(entry) {
    if (entry.location) {
      try { await tus({}, "DELETE", entry.location, {}); } catch (e) { /* the server sweeps it later */ }
    }
    entry.li.setAttribute("data-state", "cancelled");
    entry.status.textContent = labels.cancelled || "Cancelled";
    if (entry.cancelButton) entry.cancelButton.remove();
    return false;
  }

  async function sendResumable(entry) {
    var file = entry.file;
    var size = file.size;
    entry.status.textContent = labels.sending || "Uploading";
    cancelButton(entry);
    var failures = 0;
    var conflicts = 0;
    var offset = 0;
    var progress = function (sent) {
      entry.bar.value = Math.min(100, Math.round(((offset + sent) / size) * 100));
    };
    while (true) {
      if (entry.cancelled) return cancelled(entry);
      try {
        var xhr;
        if (!entry.location) {
          xhr = await tus(entry, "POST", tusUrl, {
            "upload-length": String(size),
            "upload-metadata": "filename " + base64(file.name) + ",albumId " + base64(album.value),
          });
          if (xhr.status !== 201) return finish(entry, false, problem(xhr));
          entry.location = new URL(xhr.getResponseHeader("location"), location.href).href;
          entry.li.setAttribute("data-resumable-location", entry.location);
          continue;
        }
        if (failures > 0) {
          // After a failure the server says how much it kept; continue from there.
          xhr = await tus(entry, "HEAD", entry.location, {});
          if (xhr.status !== 200) return finish(entry, false, problem(xhr));
          offset = Number(xhr.getResponseHeader("upload-offset"));
          failures = 0;
          entry.status.textContent = labels.sending || "Uploading";
          if (xhr.getResponseHeader("vernissage-photo-id")) {
            return finish(entry, true, { duplicate: xhr.getResponseHeader("vernissage-photo-duplicate") === "true" });
          }
        }
        xhr = await tus(
          entry,
          "PATCH",
          entry.location,
          { "content-type": "application/offset+octet-stream", "upload-offset": String(offset) },
          file.slice(offset, Math.min(size, offset + chunkSize)),
          progress,
        );
        if (xhr.status === 204) {
          offset = Number(xhr.getResponseHeader("upload-offset"));
          progress(0);
          if (xhr.getResponseHeader("vernissage-photo-id")) {
            return finish(entry, true, { duplicate: xhr.getResponseHeader("vernissage-photo-duplicate") === "true" });
          }
          continue;
        }
        var body = problem(xhr);
        if ((xhr.status === 409 || body.retryable) && conflicts++ < 100) {
          // Offset mismatch or another request still holding the upload: ask the server, then go on.
          failures++;
          await wait(retryDelays[0]);
          continue;
        }
        return finish(entry, false, body);
      } catch (error) {
        if (entry.cancelled) return cancelled(entry);
        if (failures >= retryDelays.length) return finish(entry, false, {});
        entry.status.textContent = labels.retrying || "Connection lost, resuming…";
        await wait(retryDelays[failures]);
        failures++;
      }
    }
  }

  async function run() {
    var sent = 0;
    while (pending.length > 0) {
      var entry = pending.shift();
      var resumable = tusUrl && entry.file.size >= threshold;
      if (await (resumable ? sendResumable(entry) : send(entry))) sent++;
    }
    var done = document.createElement("li");
    done.className = "upload-summary";
    done.setAttribute("data-testid", "upload-finished");
    done.textContent = (labels.finished || "{count} photos uploaded.").replace("{count}", String(sent));
    list.appendChild(done);
    input.value = "";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (pending.length === 0 && input.files) queue(input.files);
    if (pending.length > 0) run();
  });
  input.addEventListener("change", function () {
    pending = [];
    list.textContent = "";
    queue(input.files || []);
  });
  if (zone) {
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        event.preventDefault();
        zone.classList.add("is-dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("is-dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      queue(event.dataTransfer.files);
      run();
    });
  }
})();
`;
