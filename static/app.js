// Copy buttons on exchange pages: copy a permalink or citation to the clipboard.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  const done = () => {
    const text = button.textContent;
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = text; }, 1500);
  };
  if (navigator.clipboard) {
    navigator.clipboard.writeText(field.value).then(done, () => { field.select(); });
  } else {
    field.select();
    document.execCommand("copy");
    done();
  }
});

// Filter as you type: rows of the list named by the box's data-filter-list whose name does not
// hold the typed text are hidden; the form itself filters the whole archive.
document.addEventListener("input", (event) => {
  const box = event.target.closest("input[data-filter-list]");
  if (!box) return;
  const list = document.getElementById(box.dataset.filterList);
  if (!list) return;
  const wanted = box.value.trim().toLocaleLowerCase();
  for (const row of list.querySelectorAll("[data-name]")) {
    row.hidden = wanted !== "" && !row.dataset.name.toLocaleLowerCase().includes(wanted);
  }
});

// Quote links: select words in a turn of an exchange page, and a button copies a link to this
// page that opens with those words highlighted (a URL text fragment, `#:~:text=start,end`).
(() => {
  const permalink = document.getElementById("permalink");
  if (!permalink) return;
  let button = null;
  const fragment = (text) => {
    const code = (s) => encodeURIComponent(s).replace(/-/g, "%2D").replace(/,/g, "%2C");
    const words = text.replace(/¶/g, "").trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) return "";
    if (words.length <= 8) return code(words.join(" "));
    return code(words.slice(0, 4).join(" ")) + "," + code(words.slice(-4).join(" "));
  };
  const hide = () => { if (button) { button.remove(); button = null; } };
  document.addEventListener("mouseup", () => {
    setTimeout(() => {
      const selection = window.getSelection();
      const text = selection ? selection.toString() : "";
      const anchor = selection && selection.anchorNode && selection.anchorNode.parentElement;
      if (!text.trim() || !anchor || !anchor.closest(".turn")) { hide(); return; }
      const link = permalink.value.split("#")[0] + "#:~:text=" + fragment(text);
      const rect = selection.getRangeAt(0).getBoundingClientRect();
      hide();
      button = document.createElement("button");
      button.type = "button";
      button.className = "quote-link";
      button.dataset.test = "quote-link";
      button.dataset.link = link;
      button.textContent = "Copy link to this quote";
      button.style.top = `${window.scrollY + rect.bottom + 6}px`;
      button.style.left = `${window.scrollX + rect.left}px`;
      button.addEventListener("mousedown", (e) => e.preventDefault());
      button.addEventListener("click", () => {
        const done = () => { if (button) button.textContent = "Link copied"; setTimeout(hide, 1200); };
        if (navigator.clipboard) navigator.clipboard.writeText(link).then(done, done); else done();
      });
      document.body.appendChild(button);
    }, 0);
  });
})();
