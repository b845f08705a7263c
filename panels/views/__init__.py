"""Panel pages. Each view: parse, check access through snt_portal.permissions, call a selector
or service, render. Nothing here decides who sees what."""
