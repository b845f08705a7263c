"""EPIC logging pages: the quick form, the shift form, a ward's activity list with corrections
and deletions, and a borough's CSV upload. Who may do what is decided in ``epic.services``
(see its docstring) and ``snt_portal.permissions``; these views parse, check access, call a
service and render."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from epic import services
from epic.catalogue import LOGGED_TYPES
from epic.forms import ActivityFilter, ActivityForm, ShiftForm, ShiftRowFormSet, UploadForm
from epic.models import Activity
from epic.services import ActivityInput
from epic.upload import COLUMNS, MAX_ERRORS_SHOWN, REQUIRED, UploadRejected, template_csv
from epic.upload import upload_activities as import_csv
from priorities.models import Priority
from snt_portal.forms import apply_service_errors
from snt_portal.permissions import Perm, get_object_for, holds, scope_for
from wards.models import Borough, Posting, Team, User, Ward

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _team(wards: Iterable[Ward], *, also: Iterable[int] = ()) -> QuerySet[User]:
    """The people on these wards' teams today (ward teams and their clusters'), plus ``also``."""
    wards = list(wards)
    today = timezone.localdate()
    on_team = (
        Q(postings__start_date__lte=today)
        & (Q(postings__end_date__isnull=True) | Q(postings__end_date__gte=today))
        & (
            Q(postings__team__kind=Team.Kind.WARD, postings__team__ward__in=wards)
            | Q(
                postings__team__kind=Team.Kind.CLUSTER,
                postings__team__cluster__in={w.cluster_id for w in wards if w.cluster_id},
            )
        )
    )
    return (
        User.objects.filter(on_team | Q(pk__in=list(also)))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _log_ward(request: HttpRequest, code: str) -> Ward:
    return get_object_for(
        Ward.objects.current().select_related("borough"), request.user, Perm.LOG_EPIC, code=code
    )


def _changeable(request: HttpRequest, pk: int) -> Activity:
    """The record if the user may correct or delete it: 404 outside what they see, 403 if
    they may see it but not change it."""
    activity = get_object_for(
        Activity.objects.select_related("ward__borough", "officer", "priority"),
        request.user,
        Perm.LOG_EPIC,
        pk=pk,
    )
    if not services.can_change(_user(request), activity):
        raise PermissionDenied("Only its officer, whoever logged it or a supervisor can change it.")
    return activity


def _engagement_url(ward: Ward) -> str:
    return reverse("engagement:event_create", kwargs={"code": ward.code})


@login_required
def log_start(request: HttpRequest) -> HttpResponse:
    """ "Log activity": straight to the quick form for the officer's own ward, else a choice."""
    user = _user(request)
    area = scope_for(user).area(Perm.LOG_EPIC)
    wards = list(Ward.objects.current().filter(pk__in=area.wards).select_related("borough"))
    own = set(
        Posting.objects.current()
        .filter(person=user, team__kind=Team.Kind.WARD)
        .values_list("team__ward_id", flat=True)
    )
    mine = [w for w in wards if w.pk in own]
    choice = mine if len(mine) == 1 else wards
    if len(choice) == 1:
        return redirect("epic:activity_create", code=choice[0].code)
    return render(request, "epic/log_start.html", {"wards": wards})


def _initial(request: HttpRequest, officers: QuerySet[User]) -> dict[str, Any]:
    """Today and the user themselves; "log another" links carry the last day and officer."""
    user = _user(request)
    initial: dict[str, Any] = {"date": timezone.localdate()}
    if officers.filter(pk=user.pk).exists():
        initial["officer"] = user.pk
    with contextlib.suppress(ValueError):
        initial["date"] = dt.date.fromisoformat(request.GET.get("date", ""))
    if request.GET.get("officer", "").isdigit():
        initial["officer"] = int(request.GET["officer"])
    return initial


@login_required
def activity_create(request: HttpRequest, code: str) -> HttpResponse:
    """The quick form: one record, today, by the user, in their ward; "Save and log another"."""
    ward = _log_ward(request, code)
    user = _user(request)
    officers = _team([ward])
    priorities = Priority.objects.filter(ward=ward).active()
    data = request.POST if request.method == "POST" else None
    form = ActivityForm(
        data, initial=_initial(request, officers), officers=officers, priorities=priorities
    )
    if data is not None and form.is_valid():
        row = form.to_input(ward)
        try:
            activity = services.log_activity(
                acting_user=user,
                **row.as_kwargs(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Logged: {activity} for {activity.officer.display_name}.")
            if data.get("then") == "another":
                keep = {"date": activity.date.isoformat(), "officer": str(row.officer.pk)}
                query = urlencode(keep)
                return redirect(f"{reverse('epic:activity_create', args=[ward.code])}?{query}")
            return redirect("epic:activity_list", code=ward.code)
    return render(
        request,
        "epic/log_form.html",
        {"ward": ward, "form": form, "engagement_url": _engagement_url(ward)},
    )


@login_required
def activity_shift(request: HttpRequest, code: str) -> HttpResponse:
    """The shift form: one day and officer, several activity rows, saved together."""
    ward = _log_ward(request, code)
    user = _user(request)
    officers = _team([ward])
    priorities = Priority.objects.filter(ward=ward).active()
    data = request.POST if request.method == "POST" else None
    form = ShiftForm(data, initial=_initial(request, officers), officers=officers)
    rows = ShiftRowFormSet(data, prefix="rows", priorities=priorities)
    if data is not None and form.is_valid() & rows.is_valid():
        filled = rows.filled()
        inputs = [
            ActivityInput(
                officer=form.cleaned_data["officer"],
                ward=ward,
                date=form.cleaned_data["date"],
                type=row.cleaned_data["type"],
                quantity=row.cleaned_data["quantity"],
                priority=row.cleaned_data.get("priority"),
                note=form.cleaned_data["note"],
            )
            for _, row in filled
        ]
        try:
            created = services.log_activities(
                acting_user=user, inputs=inputs, source=Activity.Source.SHIFT
            )
        except services.RowErrors as exc:
            for index, error in exc.rows.items():
                row_form = filled[index][1]
                # Date and officer are the shift's: show them there, the rest on the row.
                for name, messages_ in error.message_dict.items():
                    target = form if name in {"date", "officer", "note"} else row_form
                    if name in target.fields:
                        target.add_error(name, messages_)
                    else:
                        form.add_error(None, messages_)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            n = len(created)
            messages.success(
                request,
                f"Logged {n} activit{'y' if n == 1 else 'ies'} for "
                f"{form.cleaned_data['officer'].display_name} on "
                f"{form.cleaned_data['date']:%-d %B %Y}.",
            )
            return redirect("epic:activity_list", code=ward.code)
    return render(
        request,
        "epic/log_shift.html",
        {"ward": ward, "form": form, "rows": rows, "engagement_url": _engagement_url(ward)},
    )


@login_required
def activity_list(request: HttpRequest, code: str) -> HttpResponse:
    """A ward's EPIC records, filtered, with corrections for those who may make them."""
    ward = get_object_for(
        Ward.objects.select_related("borough"), request.user, Perm.VIEW_EPIC, code=code
    )
    user = _user(request)
    records = (
        Activity.objects.visible_to(user, Perm.VIEW_EPIC)
        .filter(ward=ward)
        .select_related("officer", "priority")
    )
    officers = (
        User.objects.filter(epic_activities__ward=ward)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    filters = ActivityFilter(request.GET or None, queryset=records, officers=officers)
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    may_change = services.change_rule(user, ward)
    return render(
        request,
        "epic/activity_list.html",
        {
            "ward": ward,
            "filters": filters,
            "page": page,
            "rows": [(activity, may_change(activity)) for activity in page],
            "can_log": ward.is_current
            and holds(user, Perm.LOG_EPIC, ward_id=ward.pk, borough_id=ward.borough_id),
            "can_upload": holds(
                user, Perm.UPLOAD_EPIC, ward_id=ward.pk, borough_id=ward.borough_id
            ),
        },
    )


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a record: any field, including moving it to another ward or day."""
    activity = _changeable(request, pk)
    user = _user(request)
    # Another of the borough's wards where the user may log, or where it is.
    allowed = (
        Ward.objects.current()
        .filter(borough_id=activity.ward.borough_id)
        .visible_to(user, Perm.LOG_EPIC)
    )
    wards = Ward.objects.filter(Q(pk__in=allowed.values("pk")) | Q(pk=activity.ward_id))
    ward_list = list(wards.order_by("name"))
    officers = _team(ward_list, also=[activity.officer_id])
    priorities = Priority.objects.filter(
        Q(ward=activity.ward, status=Priority.Status.ACTIVE) | Q(pk=activity.priority_id)
    )
    initial = {
        "type": activity.type,
        "quantity": activity.quantity,
        "date": activity.date,
        "officer": activity.officer_id,
        "ward": activity.ward_id,
        "priority": activity.priority_id,
        "note": activity.note,
    }
    data = request.POST if request.method == "POST" else None
    form = ActivityForm(
        data,
        initial=initial,
        officers=officers,
        priorities=priorities,
        wards=wards.order_by("name"),
    )
    if data is not None and form.is_valid():
        row = form.to_input()
        try:
            services.update_activity(
                acting_user=user,
                activity=activity,
                **row.as_kwargs(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The record is corrected.")
            return redirect("epic:activity_list", code=row.ward.code)
    return render(
        request,
        "epic/activity_edit.html",
        {"ward": activity.ward, "activity": activity, "form": form},
    )


@login_required
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _changeable(request, pk)
    ward = activity.ward
    if request.method == "POST":
        services.delete_activity(acting_user=_user(request), activity=activity)
        messages.success(request, f"Deleted: {activity}.")
        return redirect("epic:activity_list", code=ward.code)
    return render(request, "epic/activity_delete.html", {"ward": ward, "activity": activity})


def _upload_borough(request: HttpRequest, code: str) -> Borough:
    return get_object_for(Borough.objects.all(), request.user, Perm.UPLOAD_EPIC, code=code)


@login_required
def activity_upload(request: HttpRequest, code: str) -> HttpResponse:
    """A borough's CSV of EPIC activity: every row saved, or none (errors listed by line)."""
    borough = _upload_borough(request, code)
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = import_csv(acting_user=_user(request), borough=borough, data=upload.read())
        except UploadRejected as exc:
            errors = exc.errors
        else:
            n = len(created)
            messages.success(
                request, f"Saved {n:,} record{'' if n == 1 else 's'} from {upload.name}."
            )
            return redirect("epic:activity_upload", code=borough.code)
    return render(
        request,
        "epic/upload.html",
        {
            "borough": borough,
            "form": form,
            "errors": errors[:MAX_ERRORS_SHOWN],
            "more_errors": max(len(errors) - MAX_ERRORS_SHOWN, 0),
            "columns": COLUMNS,
            "required": REQUIRED,
            "types": LOGGED_TYPES,
        },
    )


@login_required
def activity_upload_template(request: HttpRequest, code: str) -> HttpResponse:
    _upload_borough(request, code)
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="epic-activity.csv"'
    return response
