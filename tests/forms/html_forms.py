"""The forms a page offers, read from its HTML as a browser would submit them.

Only what a submission needs is kept: where it goes, how it is encoded and, for each named
control, its kind, the value a browser would send unchanged and the values it offers (a select's
options, a radio group's or checkbox's values).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Control:
    name: str
    kind: str  # the input's type, or "select", "textarea"
    value: str = ""  # what the page fills in (a checkbox's or radio's own value)
    offered: list[str] = field(default_factory=list)  # option or radio values
    multiple: bool = False


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    controls: dict[str, Control] = field(default_factory=dict)

    def add(self, control: Control) -> None:
        known = self.controls.get(control.name)
        if known is None:
            self.controls[control.name] = control
        else:  # a radio group or a set of checkboxes under one name
            known.offered.append(control.value)
            known.multiple = known.multiple or control.kind == "checkbox"


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._option_text: str | None = None  # an option's text, when it has no value

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(
                action=a.get("action", ""),
                method=a.get("method", "get").lower(),
                enctype=a.get("enctype", ""),
            )
            self.forms.append(self._form)
        if self._form is None or tag not in ("input", "select", "textarea", "option", "button"):
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            control = Control(name, kind, a.get("value", "on" if kind == "checkbox" else ""))
            control.offered = [control.value] if kind in ("radio", "checkbox") else []
            self._form.add(control)
        elif tag == "button" and name:
            self._form.add(Control(name, "button", a.get("value", ""), [a.get("value", "")]))
        elif tag == "textarea" and name:
            self._form.add(Control(name, "textarea"))
        elif tag == "select" and name:
            self._select = Control(name, "select", multiple="multiple" in a)
            self._form.add(self._select)
        elif tag == "option" and self._select is not None:
            if "value" in a:
                self._select.offered.append(a["value"])
            else:
                self._option_text = ""

    def handle_data(self, data: str) -> None:
        if self._option_text is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._select is not None and self._option_text is not None:
            self._select.offered.append(self._option_text.strip())
            self._option_text = None
        elif tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def forms_in(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms
