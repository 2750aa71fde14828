/**
 * The default theme's lightbox and slideshow, served as the `lightbox.js` asset: plain JavaScript, no
 * dependency, loaded with `defer`. It is progressive enhancement only: without it every thumbnail is a normal
 * link to the photo page. It reads the `data-*` attributes of `a[data-lightbox]` inside `[data-gallery]`, opens
 * a modal `<dialog>` (focus is trapped and restored by the browser), and supports the arrow keys, Home/End,
 * Escape, swipes, and a slideshow. It sets no inline style (CSP `style-src 'self'`).
 */
export const lightboxJs = `"use strict";
(function () {
  var SLIDE_MS = 4000;
  var SWIPE_PX = 40;
  var messages = {};
  try {
    var block = document.getElementById("vernissage-messages");
    if (block) messages = JSON.parse(block.textContent || "{}");
  } catch (e) {
    messages = {};
  }
  function t(key, fallback) {
    return typeof messages[key] === "string" ? messages[key] : fallback;
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }
  function button(className, label, symbol) {
    var b = el("button", "lightbox-button " + className);
    b.type = "button";
    b.setAttribute("aria-label", label);
    b.title = label;
    var icon = el("span", "", symbol);
    icon.setAttribute("aria-hidden", "true");
    b.appendChild(icon);
    return b;
  }

  function setup(gallery) {
    var links = Array.prototype.slice.call(gallery.querySelectorAll("a[data-lightbox]"));
    if (links.length === 0 || typeof HTMLDialogElement !== "function") return;
    var dialog = null;
    var image, caption, counter, pageLink, playButton, index = 0, timer = null, opener = null, startX = null;

    function build() {
      dialog = el("dialog", "lightbox");
      dialog.setAttribute("aria-label", t("lightbox.label", "Photo viewer"));
      dialog.setAttribute("data-testid", "lightbox");
      var figure = el("figure", "lightbox-figure");
      image = el("img", "lightbox-image");
      image.setAttribute("data-testid", "lightbox-image");
      caption = el("figcaption", "lightbox-caption");
      counter = el("span", "lightbox-counter");
      counter.setAttribute("aria-live", "polite");
      pageLink = el("a", "lightbox-link", t("lightbox.open", "Open the photo page"));
      figure.appendChild(image);
      var bar = el("div", "lightbox-bar");
      var prev = button("lightbox-prev", t("lightbox.previous", "Previous"), "\\u2190");
      var next = button("lightbox-next", t("lightbox.next", "Next"), "\\u2192");
      playButton = button("lightbox-play", t("lightbox.play", "Play slideshow"), "\\u25B6");
      var close = button("lightbox-close", t("lightbox.close", "Close"), "\\u00D7");
      caption.appendChild(counter);
      bar.appendChild(prev);
      bar.appendChild(playButton);
      bar.appendChild(next);
      bar.appendChild(pageLink);
      bar.appendChild(close);
      dialog.appendChild(figure);
      dialog.appendChild(caption);
      dialog.appendChild(bar);
      document.body.appendChild(dialog);
      prev.addEventListener("click", function () { go(index - 1); });
      next.addEventListener("click", function () { go(index + 1); });
      close.addEventListener("click", function () { dialog.close(); });
      playButton.addEventListener("click", toggleSlideshow);
      dialog.addEventListener("close", function () {
        stopSlideshow();
        if (opener) opener.focus();
      });
      dialog.addEventListener("keydown", function (event) {
        if (event.altKey || event.ctrlKey || event.metaKey) return;
        if (event.key === "ArrowRight") { go(index + 1); event.preventDefault(); }
        else if (event.key === "ArrowLeft") { go(index - 1); event.preventDefault(); }
        else if (event.key === "Home") { go(0); event.preventDefault(); }
        else if (event.key === "End") { go(links.length - 1); event.preventDefault(); }
      });
      // A click on the backdrop (the dialog itself, outside its content) closes it.
      dialog.addEventListener("click", function (event) {
        if (event.target === dialog) dialog.close();
      });
      figure.addEventListener("pointerdown", function (event) { startX = event.clientX; });
      figure.addEventListener("pointerup", function (event) {
        if (startX === null) return;
        var dx = event.clientX - startX;
        startX = null;
        if (Math.abs(dx) >= SWIPE_PX) go(dx < 0 ? index + 1 : index - 1);
      });
      figure.addEventListener("pointercancel", function () { startX = null; });
    }

    // The thumbnail's own srcset lists every source (the page does not repeat it on the link).
    function sourcesOf(link) {
      var thumb = link.querySelector("img.thumb-img");
      return thumb ? thumb.getAttribute("srcset") : null;
    }

    function show(i) {
      var link = links[i];
      image.removeAttribute("srcset");
      image.alt = link.getAttribute("data-caption") || "";
      image.width = Number(link.getAttribute("data-width")) || 0;
      image.height = Number(link.getAttribute("data-height")) || 0;
      image.sizes = "100vw";
      var srcset = sourcesOf(link);
      if (srcset) image.srcset = srcset;
      image.src = link.getAttribute("data-src") || link.href;
      caption.firstChild && caption.firstChild !== counter && caption.removeChild(caption.firstChild);
      caption.insertBefore(document.createTextNode(image.alt + " "), counter);
      counter.textContent = t("lightbox.counter", "{index} of {total}")
        .replace("{index}", String(i + 1))
        .replace("{total}", String(links.length));
      pageLink.href = link.href;
      // Warm the neighbours so next/previous feel instant.
      [i - 1, i + 1].forEach(function (j) {
        var other = links[(j + links.length) % links.length];
        if (!other || other === link) return;
        var warm = new Image();
        warm.sizes = "100vw";
        var otherSrcset = sourcesOf(other);
        if (otherSrcset) warm.srcset = otherSrcset;
        warm.src = other.getAttribute("data-src") || "";
      });
    }

    function go(i) {
      index = (i + links.length) % links.length;
      show(index);
    }

    function stopSlideshow() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      if (playButton) {
        playButton.setAttribute("aria-label", t("lightbox.play", "Play slideshow"));
        playButton.title = t("lightbox.play", "Play slideshow");
        playButton.firstChild.textContent = "\\u25B6";
        playButton.setAttribute("aria-pressed", "false");
      }
    }

    function toggleSlideshow() {
      if (timer !== null) return stopSlideshow();
      timer = setInterval(function () { go(index + 1); }, SLIDE_MS);
      playButton.setAttribute("aria-label", t("lightbox.pause", "Pause slideshow"));
      playButton.title = t("lightbox.pause", "Pause slideshow");
      playButton.firstChild.textContent = "\\u275A\\u275A";
      playButton.setAttribute("aria-pressed", "true");
    }

    links.forEach(function (link, i) {
      link.addEventListener("click", function (event) {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        if (!dialog) build();
        opener = link;
        index = i;
        show(i);
        if (!dialog.open) dialog.showModal();
      });
    });
  }

  var galleries = document.querySelectorAll("[data-gallery]");
  for (var g = 0; g < galleries.length; g++) setup(galleries[g]);
})();
`;
