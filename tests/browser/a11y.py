"""Accessibility helpers for the browser tests: an axe-core scan, and keyboard-only driving.

axe-core comes from npm (``node_modules/axe-core``, a devDependency). It is injected with
``page.evaluate`` rather than a ``<script>`` tag: the portal's Content Security Policy forbids
inline scripts, and evaluate runs through the DevTools protocol, outside the page's policy.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, and axe's best practices (landmarks, one h1, heading order and the like).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = frozenset({"serious", "critical"})


@functools.cache
def _axe_source() -> str:
    if not AXE.exists():
        raise FileNotFoundError(f"{AXE} is missing: run `make setup` (npm ci) first")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Any, exclude: list[str] | None = None) -> list[dict[str, Any]]:
    """Run axe-core over the page as it is now and return its violations (every impact).

    ``exclude`` is a list of CSS selectors axe leaves out (only for markup that is not ours).
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    context = {"exclude": [[s] for s in exclude]} if exclude else {"exclude": []}
    result: dict[str, Any] = page.evaluate(
        """async ([context, tags]) => {
            const r = await axe.run(context, {runOnly: {type: 'tag', values: tags}});
            return {violations: r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary,
                                          html: n.html.slice(0, 200),
                                          inside_swagger: n.target.length === 1 &&
                                            !!document.querySelector(n.target[0])
                                              ?.closest('.swagger-ui')})),
            }))};
        }""",
        [context, TAGS],
    )
    return list(result["violations"])


def describe(violations: list[dict[str, Any]], url: str) -> str:
    """A readable account of violations: rule, help, and where on which page."""
    lines = []
    for v in violations:
        lines.append(f"{url}: [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}\n      {node['html']}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in BLOCKING]


def assert_accessible(page: Any, exclude: list[str] | None = None) -> None:
    """Fail if axe finds any serious or critical violation on the page as it is now."""
    found = blocking(axe_violations(page, exclude))
    assert not found, "axe-core found serious or critical violations:\n" + describe(found, page.url)


# --- keyboard ----------------------------------------------------------------------------------

IS_FOCUSED = "el => el === document.activeElement"


def tab_to(page: Any, locator: Any, limit: int = 80, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until ``locator`` has the focus; fail after ``limit`` presses.

    Reaching the control this way is the proof that a keyboard user can reach it.
    """
    target = locator.first if hasattr(locator, "first") else locator
    target.wait_for(state="attached")
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if target.evaluate(IS_FOCUSED):
            return
        page.keyboard.press(key)
    if target.evaluate(IS_FOCUSED):
        return
    focused = page.evaluate(
        "() => { const e = document.activeElement; return e ? e.outerHTML.slice(0, 160) : null }"
    )
    raise AssertionError(
        f"{key} pressed {limit} times on {page.url} and {locator} never had the focus "
        f"(last focused: {focused})"
    )


def type_into(page: Any, locator: Any, text: str, clear: bool = False) -> None:
    """Tab to a text field and type into it, as a keyboard user would."""
    tab_to(page, locator)
    if clear:
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.press("Delete")
    page.keyboard.type(text)


def activate(page: Any, locator: Any, key: str = "Enter") -> None:
    """Tab to a link or button and press Enter (or Space, for checkboxes and radios)."""
    tab_to(page, locator)
    page.keyboard.press(key)


def choose_option(page: Any, select: Any, label: str) -> None:
    """Choose an option of a <select> by keyboard: focus it and type the option's start.

    Typing selects the first option whose text begins with what was typed (as in every
    browser); the result is checked, so a wrong guess fails rather than passes silently.
    """
    tab_to(page, select)
    page.keyboard.type(label)
    chosen = select.evaluate("s => s.options[s.selectedIndex].text.trim()")
    assert chosen == label, f"typed {label!r} into {select} but {chosen!r} is chosen"


def focus_is_visible(locator: Any) -> bool:
    """True when the focused control shows the GOV.UK focus style (a yellow outline or
    highlight, or the thick box-shadow), not merely the browser default."""
    style: dict[str, str] = locator.evaluate(
        """el => { const s = getComputedStyle(el);
            return {outline: s.outlineStyle, outlineColor: s.outlineColor,
                    background: s.backgroundColor, shadow: s.boxShadow}; }"""
    )
    yellow = "rgb(255, 221, 0)"
    return (
        (style["outline"] not in ("none", "") and style["outlineColor"] == yellow)
        or style["background"] == yellow
        or "rgb(11, 12, 12)" in style["shadow"]
        or yellow in style["shadow"]
    )


def choose_radio(page: Any, radio: Any, limit: int = 80) -> None:
    """Choose a radio button by keyboard: Tab into its group, then arrow keys to it.

    (Only one radio of a group is in the tab order; arrows move the choice within it.)
    """
    name = radio.get_attribute("name")
    for _ in range(limit):
        if page.evaluate("n => document.activeElement && document.activeElement.name === n", name):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError(f"Tab never reached the radio group {name!r} on {page.url}")
    for _ in range(20):
        if radio.evaluate(IS_FOCUSED):
            break
        page.keyboard.press("ArrowDown")
    else:
        raise AssertionError(f"the arrow keys never reached {radio} on {page.url}")
    if not radio.is_checked():
        page.keyboard.press("Space")
    assert radio.is_checked()
