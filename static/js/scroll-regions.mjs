// A table too wide for the screen scrolls sideways inside its .snt-table-scroll wrapper. A
// keyboard user can only scroll it if the wrapper can take the focus, so while it overflows
// it becomes a focusable region named after the table's caption (WCAG 2.1.1; axe's
// scrollable-region-focusable). Wrappers that fit stay out of the tab order.
function nameOf(wrapper) {
  const table = wrapper.querySelector("table");
  const caption = table && table.querySelector("caption");
  if (caption) {
    if (!caption.id) caption.id = `snt-caption-${Math.random().toString(36).slice(2, 10)}`;
    return { labelledby: caption.id };
  }
  let heading = wrapper.previousElementSibling;
  while (heading && !/^H[1-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
  return { label: heading ? heading.textContent.trim() : "Table" };
}

function update(wrapper) {
  if (wrapper.scrollWidth > wrapper.clientWidth) {
    const name = nameOf(wrapper);
    wrapper.setAttribute("tabindex", "0");
    wrapper.setAttribute("role", "region");
    if (name.labelledby) wrapper.setAttribute("aria-labelledby", name.labelledby);
    else wrapper.setAttribute("aria-label", name.label);
  } else {
    for (const attribute of ["tabindex", "role", "aria-labelledby", "aria-label"]) {
      wrapper.removeAttribute(attribute);
    }
  }
}

const observer = new ResizeObserver((entries) => entries.forEach((e) => update(e.target)));
for (const wrapper of document.querySelectorAll(".snt-table-scroll")) {
  update(wrapper);
  observer.observe(wrapper);
}
