/**
 * The album and photo admin script, served as the `admin-library.js` asset and loaded only by those admin
 * pages. Progressive enhancement, every action stays a plain form POST:
 * - album tree: drag an album onto the middle of another to move it inside (or onto the "top level" zone);
 *   onto the upper or lower edge of a row to place it before or after that album (moving it beside it when
 *   the parents differ). The drop fills and submits the page's move or order form, the same routes the album
 *   page's "move to" select and the tree's arrow buttons post;
 * - batch manager: "select all on this page", shift-click to select a range, a live count of the selection,
 *   and only the fields of the chosen action shown.
 * It sets no inline style (CSP `style-src 'self'`) and runs no inline code.
 */
export const adminLibraryJs = `"use strict";
(function () {
  var tree = document.querySelector("[data-album-tree]");
  var moveForm = document.getElementById("album-move-form");
  if (tree && moveForm) {
    var dragged = null;
    var rootZone = document.querySelector("[data-drop-root]");
    var items = tree.querySelectorAll("li[data-album-id]");
    var move = function (albumId, parentId) {
      moveForm.setAttribute("action", moveForm.getAttribute("data-action-base") + encodeURIComponent(albumId) + "/move");
      moveForm.querySelector("input[name=parentId]").value = parentId;
      moveForm.submit();
    };
    var orderForm = document.getElementById("album-order-form");
    var place = function (albumId, siblingId, placement) {
      orderForm.setAttribute("action", orderForm.getAttribute("data-action-base") + encodeURIComponent(albumId) + "/order");
      orderForm.querySelector("input[name=siblingId]").value = siblingId;
      orderForm.querySelector("input[name=placement]").value = placement;
      orderForm.submit();
    };
    var CLASSES = { inside: "is-drop-target", before: "is-drop-before", after: "is-drop-after" };
    var target = function (el, zone) {
      Object.keys(CLASSES).forEach(function (k) {
        if (k === zone) el.classList.add(CLASSES[k]);
        else el.classList.remove(CLASSES[k]);
      });
    };
    // The upper and lower quarter of a row place before or after it; the middle moves inside.
    var zoneOf = function (li, event) {
      if (!orderForm) return "inside";
      var row = li.querySelector(".admin-tree-item") || li;
      var box = row.getBoundingClientRect();
      var y = event.clientY - box.top;
      if (y < box.height / 4) return "before";
      if (y > (box.height * 3) / 4) return "after";
      return "inside";
    };
    Array.prototype.forEach.call(items, function (li) {
      li.setAttribute("draggable", "true");
      var handle = li.querySelector("[data-drag-handle]");
      if (handle) handle.hidden = false;
      li.addEventListener("dragstart", function (event) {
        if (event.target !== li) return;
        dragged = li.getAttribute("data-album-id");
        li.classList.add("is-dragging");
        if (event.dataTransfer) {
          event.dataTransfer.effectAllowed = "move";
          event.dataTransfer.setData("text/plain", dragged);
        }
        if (rootZone) rootZone.hidden = false;
      });
      li.addEventListener("dragend", function () {
        li.classList.remove("is-dragging");
        dragged = null;
        if (rootZone) rootZone.hidden = true;
      });
      li.addEventListener("dragover", function (event) {
        if (!dragged || dragged === li.getAttribute("data-album-id")) return;
        event.preventDefault();
        target(li, zoneOf(li, event));
      });
      li.addEventListener("dragleave", function () { target(li, null); });
      li.addEventListener("drop", function (event) {
        var id = li.getAttribute("data-album-id");
        if (!dragged || dragged === id) return;
        event.preventDefault();
        var zone = zoneOf(li, event);
        target(li, null);
        if (zone === "inside") move(dragged, id);
        else place(dragged, id, zone);
      });
    });
    if (rootZone) {
      rootZone.addEventListener("dragover", function (event) {
        if (!dragged) return;
        event.preventDefault();
        target(rootZone, "inside");
      });
      rootZone.addEventListener("dragleave", function () { target(rootZone, null); });
      rootZone.addEventListener("drop", function (event) {
        if (!dragged) return;
        event.preventDefault();
        move(dragged, "");
      });
    }
  }

  var batch = document.getElementById("batch-form");
  if (batch) {
    var boxes = Array.prototype.slice.call(batch.querySelectorAll("input[type=checkbox][name=photo]"));
    var bar = batch.querySelector("[data-batch-select]");
    var all = batch.querySelector("[data-select-all]");
    var count = batch.querySelector("[data-selected-count]");
    var last = -1;
    var update = function () {
      var n = boxes.filter(function (b) { return b.checked; }).length;
      if (count) count.textContent = (count.getAttribute("data-label") || "{count}").replace("{count}", String(n));
      if (all) {
        all.checked = n > 0 && n === boxes.length;
        all.indeterminate = n > 0 && n < boxes.length;
      }
    };
    if (bar) bar.hidden = false;
    if (all) {
      all.addEventListener("change", function () {
        boxes.forEach(function (b) { b.checked = all.checked; });
        update();
      });
    }
    boxes.forEach(function (box, index) {
      box.addEventListener("click", function (event) {
        if (event.shiftKey && last >= 0 && last !== index) {
          var from = Math.min(last, index);
          var to = Math.max(last, index);
          for (var i = from; i <= to; i++) boxes[i].checked = box.checked;
        }
        last = index;
        update();
      });
    });
    var action = batch.querySelector("select[name=action]");
    var fields = batch.querySelectorAll("[data-batch-for]");
    var showFields = function () {
      Array.prototype.forEach.call(fields, function (field) {
        field.hidden = (" " + field.getAttribute("data-batch-for") + " ").indexOf(" " + action.value + " ") < 0;
      });
    };
    if (action) {
      action.addEventListener("change", showFields);
      showFields();
    }
    update();
  }
})();
`;
