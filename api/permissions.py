"""The API's permission classes: thin adapters onto ``snt_portal.permissions``.

Nothing here decides who sees what. A collection (a list, a create) needs its permission held
somewhere (``can``): a role that never has it gets 403 before anything is read. Single objects
are fetched with ``get_object_for`` (404 outside what the user may see, 403 where they may see
it but not do this), lists start from ``visible_to``, and the services check what they check
for the pages.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from django.db.models import Model, QuerySet
from rest_framework import viewsets
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from snt_portal.permissions import Perm, ScopedQuerySet, can, get_object_for

_M = TypeVar("_M", bound=Model)


class HoldsPerm(BasePermission):
    """Signed in, and holding the view's permission for this collection action somewhere."""

    message = "Your role does not allow this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        perms: dict[str, Perm] = getattr(view, "collection_perms", {})
        perm = perms.get(getattr(view, "action", None) or request.method or "")
        return perm is None or can(request.user, perm)


class ScopedViewSet(viewsets.GenericViewSet[_M]):
    """A viewset over scoped rows. ``collection_perms`` names the permission each collection
    action needs (held somewhere), ``object_perms`` each detail action's (held over the
    object); ``scoped_queryset`` is the unscoped base, with its joins."""

    permission_classes = [HoldsPerm]
    collection_perms: ClassVar[dict[str, Perm]] = {}
    object_perms: ClassVar[dict[str, Perm]] = {}

    def scoped_queryset(self) -> ScopedQuerySet[_M]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[_M]:
        """A list: what the user may read with the list's permission."""
        perm = self.collection_perms.get("list", Perm.VIEW_WARD)
        return self.scoped_queryset().visible_to(self.request.user, perm)

    def get_object(self) -> _M:
        obj = get_object_for(
            self.scoped_queryset(),
            self.request.user,
            self.object_perms[self.action],
            pk=self.kwargs["pk"],
        )
        self.check_object_permissions(self.request, obj)
        return obj
