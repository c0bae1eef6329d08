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
