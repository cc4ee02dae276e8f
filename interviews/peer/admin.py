from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render

from core.admin import AppendOnlyAdmin
from core.exceptions import ApplicationError

from . import services
from .models import (
    PeerBlock,
    PeerBooking,
    PeerFeedback,
    PeerReport,
    PeerSlot,
    PeerSuspension,
    PointsAccount,
    PointsEntry,
    ReportStatus,
)


@admin.register(PointsEntry)
class PointsEntryAdmin(AppendOnlyAdmin):
    """The points ledger, read-only: staff adjust a balance through the account's action."""

    list_display = ("created_at", "user", "amount", "reason", "source_type", "source_id", "balance_after", "note")
    list_filter = ("reason", "source_type")
    search_fields = ("user__username", "user__email", "source_id", "note")
    list_select_related = ("user",)
    readonly_fields = [field.name for field in PointsEntry._meta.fields]


class AdjustForm(forms.Form):
    amount = forms.IntegerField(help_text="Positive gives, negative takes (never below zero).")
    note = forms.CharField(max_length=150, help_text="Why: it is stored with the entry.")


@admin.register(PointsAccount)
class PointsAccountAdmin(AppendOnlyAdmin):
    list_display = ("user", "balance", "updated_at")
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    readonly_fields = ("user", "balance", "created_at", "updated_at")
    actions = ("adjust_points",)

    @admin.action(description="Adjust the points of the selected users (with a reason)")
    def adjust_points(self, request, queryset):
        form = AdjustForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for account in queryset.select_related("user"):
                try:
                    services.points_adjust(staff=request.user, user=account.user, amount=form.cleaned_data["amount"],
                                           note=form.cleaned_data["note"])
                except services.InsufficientPoints as error:
                    self.message_user(request, f"{account.user}: {error.message}", messages.ERROR)
            self.message_user(request, "Points adjusted.", messages.SUCCESS)
            return redirect(request.get_full_path())
        return render(request, "interviews/peer/admin_reason.html",
                      {"form": form, "rows": queryset.select_related("user"), "title": "Adjust points",
                       "button": "Adjust", "opts": self.model._meta, "action": "adjust_points",
                       **self.admin_site.each_context(request)})


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="The user is told, and the audit log keeps it.")


def _with_reason(modeladmin, request, queryset, *, title: str, button: str, apply):
    """An admin action that asks for a reason on an intermediate page, then calls `apply(row,
    reason)` (a service) for each selected row."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        for row in queryset:
            try:
                apply(row, form.cleaned_data["reason"])
            except ApplicationError as error:
                modeladmin.message_user(request, f"{row}: {error.message}", messages.ERROR)
        modeladmin.message_user(request, "Done.", messages.SUCCESS)
        return redirect(request.get_full_path())
    return render(request, "interviews/peer/admin_reason.html",
                  {"form": form, "rows": queryset, "title": title, "button": button, "opts": modeladmin.model._meta,
                   "action": request.POST.get("action", ""), **modeladmin.admin_site.each_context(request)})


@admin.register(PeerSlot)
class PeerSlotAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "starts_at", "ends_at", "timezone", "level", "status")
    list_filter = ("status", "level")
    search_fields = ("owner__username", "owner__email")
    list_select_related = ("owner",)
    raw_id_fields = ("owner", "weekly")
    readonly_fields = [field.name for field in PeerSlot._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(PeerBooking)
class PeerBookingAdmin(admin.ModelAdmin):
    list_display = ("id", "starts_at", "interviewer", "interviewee", "topic", "status", "late_cancel", "no_show_user")
    list_filter = ("status", "topic", "late_cancel")
    search_fields = ("interviewer__username", "interviewee__username")
    list_select_related = ("interviewer", "interviewee", "no_show_user")
    readonly_fields = [field.name for field in PeerBooking._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PeerReport)
class PeerReportAdmin(admin.ModelAdmin):
    """Reports about peers, for moderators; resolving goes through the service."""

    list_display = ("id", "created_at", "reporter", "reported", "reason", "status", "booking")
    list_filter = ("status", "reason")
    search_fields = ("reporter__username", "reported__username", "details")
    list_select_related = ("reporter", "reported")
    readonly_fields = [field.name for field in PeerReport._meta.fields]
    actions = ("resolve", "dismiss", "suspend_reported")

    def has_add_permission(self, request):
        return False

    @admin.action(description="Suspend the reported users from peer interviews (with a reason)")
    def suspend_reported(self, request, queryset):
        return _with_reason(self, request, queryset.select_related("reported"),
                            title="Suspend from peer interviews", button="Suspend",
                            apply=lambda report, reason: services.peer_suspend(moderator=request.user,
                                                                               user=report.reported, reason=reason))

    @admin.action(description="Mark the selected reports resolved")
    def resolve(self, request, queryset):
        for report in queryset.filter(status=ReportStatus.OPEN):
            services.peer_report_resolve(moderator=request.user, report=report, status=ReportStatus.RESOLVED)
        self.message_user(request, "Resolved.", messages.SUCCESS)

    @admin.action(description="Dismiss the selected reports")
    def dismiss(self, request, queryset):
        for report in queryset.filter(status=ReportStatus.OPEN):
            services.peer_report_resolve(moderator=request.user, report=report, status=ReportStatus.DISMISSED)
        self.message_user(request, "Dismissed.", messages.SUCCESS)


@admin.register(PeerBlock)
class PeerBlockAdmin(AppendOnlyAdmin):
    list_display = ("blocker", "blocked", "created_at")
    search_fields = ("blocker__username", "blocked__username")
    list_select_related = ("blocker", "blocked")


@admin.register(PeerFeedback)
class PeerFeedbackAdmin(AppendOnlyAdmin):
    """Feedback between peers, read-only for moderators (a report about it goes through PeerReport)."""

    list_display = ("created_at", "booking", "author", "receiver", "rating", "would_hire")
    list_filter = ("rating", "would_hire", "hints_needed")
    search_fields = ("author__username", "receiver__username", "comments")
    list_select_related = ("booking", "author", "receiver")
    readonly_fields = [field.name for field in PeerFeedback._meta.fields]


@admin.register(PeerSuspension)
class PeerSuspensionAdmin(AppendOnlyAdmin):
    """Who is suspended from peer interviews; suspending (from a report) and lifting go through
    the services, with a reason, audited."""

    list_display = ("user", "created_at", "by", "reason", "lifted_at", "lifted_by")
    list_filter = (("lifted_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__username", "user__email", "reason")
    list_select_related = ("user", "by", "lifted_by")
    readonly_fields = [field.name for field in PeerSuspension._meta.fields]
    actions = ("lift",)

    @admin.action(description="Lift the selected suspensions (with a reason)")
    def lift(self, request, queryset):
        return _with_reason(self, request, queryset.filter(lifted_at__isnull=True).select_related("user"),
                            title="Lift peer-interview suspensions", button="Lift",
                            apply=lambda row, reason: services.peer_unsuspend(moderator=request.user, user=row.user,
                                                                             reason=reason))
