"""Stage 1, research: the ward's GLA profile, the team's notes, its community groups, demand
generators and hotspots. Officers of the ward and their inspector keep it; managers read it.

Each view: check access through snt_portal.permissions, call a selector or service, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from engagement import services
from engagement.forms.research import CommunityGroupForm, LocalFeatureForm, ResearchForm
from engagement.models import CommunityGroup, LocalFeature, WardResearch
from engagement.profiles import NO_PROFILE, research_overview
from snt_portal.forms import apply_service_errors
from snt_portal.permissions import Perm, get_object_for, holds
from wards.models import Ward

AnyResearchForm = ResearchForm | CommunityGroupForm | LocalFeatureForm


def _writable_ward(request: HttpRequest, code: str) -> Ward:
    """A ward in force today whose research the user may change (404 / 403 otherwise)."""
    return get_object_for(
        Ward.objects.current().select_related("borough"),
        request.user,
        Perm.LOG_ENGAGEMENT,
        code=code,
    )


def _research_url(ward: Ward) -> str:
    return reverse("engagement:research_detail", kwargs={"code": ward.code})


@login_required
def research_detail(request: HttpRequest, code: str) -> HttpResponse:
    # Past wards stay readable: their research and profile are the history of the area.
    ward = get_object_for(
        Ward.objects.select_related("borough"), request.user, Perm.VIEW_ENGAGEMENT, code=code
    )
    can_edit = ward.is_current and holds(
        request.user, Perm.LOG_ENGAGEMENT, ward_id=ward.pk, borough_id=ward.borough_id
    )
    context = {
        "ward": ward,
        "overview": research_overview(ward),
        "no_profile": NO_PROFILE,
        "can_edit": can_edit,
    }
    return render(request, "engagement/research/detail.html", context)


@login_required
def research_edit(request: HttpRequest, code: str) -> HttpResponse:
    ward = _writable_ward(request, code)
    research = WardResearch.objects.filter(ward=ward).first()
    form = ResearchForm(request.POST or None, initial={"notes": research.notes if research else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_research(
                acting_user=request.user,  # type: ignore[arg-type]
                ward=ward,
                notes=form.cleaned_data["notes"],
                reviewed=form.cleaned_data["reviewed"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            reviewed = " and marked as reviewed today" if form.cleaned_data["reviewed"] else ""
            messages.success(request, f"Research for {ward.name} saved{reviewed}.")
            return redirect(_research_url(ward))
    return _form_page(request, ward, form, heading="Edit research notes", research=research)


@login_required
def group_create(request: HttpRequest, code: str) -> HttpResponse:
    ward = _writable_ward(request, code)
    form = CommunityGroupForm(request.POST or None, submit="Add group")
    return _save_group(request, ward, form, group=None, heading="Add a community or group")


@login_required
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_for(
        CommunityGroup.objects.filter(ward__in=Ward.objects.current()).select_related(
            "ward__borough"
        ),
        request.user,
        Perm.LOG_ENGAGEMENT,
        pk=pk,
    )
    initial = {
        "name": group.name,
        "kind": group.kind,
        "hard_to_reach": group.hard_to_reach,
        "notes": group.notes,
    }
    form = CommunityGroupForm(request.POST or None, initial=initial, submit="Save group")
    return _save_group(request, group.ward, form, group=group, heading=f"Edit {group.name}")


def _save_group(
    request: HttpRequest,
    ward: Ward,
    form: CommunityGroupForm,
    *,
    group: CommunityGroup | None,
    heading: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_community_group(
                acting_user=request.user,  # type: ignore[arg-type]
                ward=ward,
                group=group,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                hard_to_reach=form.cleaned_data["hard_to_reach"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, unnamed_to="name")
        else:
            messages.success(request, f"{saved.name} saved to the research for {ward.name}.")
            return redirect(_research_url(ward) + "#groups")
    return _form_page(request, ward, form, heading=heading)


@login_required
def feature_create(request: HttpRequest, code: str) -> HttpResponse:
    ward = _writable_ward(request, code)
    form = LocalFeatureForm(request.POST or None, submit="Add place")
    return _save_feature(
        request, ward, form, feature=None, heading="Add a demand generator or hotspot"
    )


@login_required
def feature_edit(request: HttpRequest, pk: int) -> HttpResponse:
    feature = get_object_for(
        LocalFeature.objects.filter(ward__in=Ward.objects.current()).select_related(
            "ward__borough"
        ),
        request.user,
        Perm.LOG_ENGAGEMENT,
        pk=pk,
    )
    initial = {
        "kind": feature.kind,
        "name": feature.name,
        "location": feature.location,
        "notes": feature.notes,
    }
    form = LocalFeatureForm(request.POST or None, initial=initial, submit="Save place")
    return _save_feature(
        request, feature.ward, form, feature=feature, heading=f"Edit {feature.name}"
    )


def _save_feature(
    request: HttpRequest,
    ward: Ward,
    form: LocalFeatureForm,
    *,
    feature: LocalFeature | None,
    heading: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_local_feature(
                acting_user=request.user,  # type: ignore[arg-type]
                ward=ward,
                feature=feature,
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                location=form.cleaned_data["location"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, unnamed_to="name")
        else:
            messages.success(request, f"{saved.name} saved to the research for {ward.name}.")
            return redirect(_research_url(ward) + "#places")
    return _form_page(request, ward, form, heading=heading)


def _form_page(
    request: HttpRequest,
    ward: Ward,
    form: AnyResearchForm,
    *,
    heading: str,
    research: WardResearch | None = None,
) -> HttpResponse:
    context = {
        "ward": ward,
        "form": form,
        "heading": heading,
        "research": research,
        "back_url": _research_url(ward),
    }
    return render(request, "engagement/research/form.html", context)
