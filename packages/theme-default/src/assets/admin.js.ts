/**
 * The admin upload script, served as the `admin.js` asset and loaded only by admin pages. Progressive
 * enhancement of the upload form: files dropped on the drop zone or chosen in the field are sent one by one
 * to the upload API (`data-upload-url`) with `XMLHttpRequest`, each with its own `<progress>` and status.
 * Without it the form posts to the server. It sets no inline style (CSP `style-src 'self'`).
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
  var labels = {};
  try {
    labels = JSON.parse((document.getElementById("upload-messages") || {}).textContent || "{}");
  } catch (e) {
    labels = {};
  }
  var pending = [];

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
    status.textContent = labels.waiting || "Waiting";
    li.appendChild(name);
    li.appendChild(bar);
    li.appendChild(status);
    list.appendChild(li);
    return { file: file, li: li, bar: bar, status: status };
  }

  function queue(files) {
    for (var i = 0; i < files.length; i++) pending.push(item(files[i]));
  }

  function send(entry) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("albumId", album.value);
      data.append("file", entry.file, entry.file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("accept", "application/json");
      var token = form.querySelector("input[name=_csrf]");
      if (token) xhr.setRequestHeader("x-csrf-token", token.value);
      entry.status.textContent = labels.sending || "Uploading";
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) entry.bar.value = Math.round((event.loaded / event.total) * 100);
      });
      xhr.addEventListener("load", function () {
        var ok = xhr.status >= 200 && xhr.status < 300;
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
        entry.bar.value = ok ? 100 : entry.bar.value;
        entry.li.setAttribute("data-state", ok ? "done" : "failed");
        entry.status.textContent = ok
          ? (body.duplicate ? labels.duplicate || "Already in the gallery" : labels.done || "Done")
          : (labels.failed || "Failed") + (body.code ? " (" + body.code + ")" : "");
        resolve(ok);
      });
      xhr.addEventListener("error", function () {
        entry.li.setAttribute("data-state", "failed");
        entry.status.textContent = labels.failed || "Failed";
        resolve(false);
      });
      xhr.send(data);
    });
  }

  async function run() {
    var sent = 0;
    while (pending.length > 0) {
      var entry = pending.shift();
      if (await send(entry)) sent++;
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
