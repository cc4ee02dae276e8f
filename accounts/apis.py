"""JSON API of the accounts domain: one class per operation, thin; services do the writing."""

import zoneinfo

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.json_input import StrictJSONTypes
from core.pagination import (
    CursorQuery,
    FeedCursorPagination,
    PagePagination,
    PageQuery,
    paginated_response,
)
from core.query_params import query_valid

from . import selectors, services
from .forms import PreferencesForm
from .models import ExperienceLevel, NotificationType, Preferences, github_username_validator

# --- shapes ------------------------------------------------------------------------------------


class ProfileOutput(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.name")
    headline = serializers.CharField()
    bio = serializers.CharField()
    avatar_url = serializers.SerializerMethodField()
    location = serializers.CharField()
    website = serializers.CharField()
    github_username = serializers.CharField()
    linkedin_url = serializers.CharField()
    skills = serializers.ListField(child=serializers.CharField())
    experience_level = serializers.CharField()
    years_of_experience = serializers.IntegerField(allow_null=True)
    completeness = serializers.IntegerField()

    def get_avatar_url(self, profile) -> str:
        return profile.avatar.url if profile.avatar else ""


class ProfileInput(StrictJSONTypes, serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    headline = serializers.CharField(max_length=140, required=False, allow_blank=True)
    bio = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    location = serializers.CharField(max_length=120, required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)
    github_username = serializers.RegexField(github_username_validator.regex.pattern, max_length=39, required=False,
                                             allow_blank=True)
    linkedin_url = serializers.RegexField(r"^https://(www\.)?linkedin\.com/\S*$", max_length=200, required=False,
                                          allow_blank=True, help_text="https://www.linkedin.com/in/...")
    # \S: a skill is trimmed, so "  " would be blank (and the schema says so).
    skills = serializers.ListField(child=serializers.RegexField(r"\S", max_length=60), required=False, max_length=50)
    experience_level = serializers.ChoiceField(choices=ExperienceLevel.choices, required=False, allow_blank=True)
    years_of_experience = serializers.IntegerField(min_value=0, max_value=70, required=False, allow_null=True)


class PreferencesSerializer(StrictJSONTypes, serializers.ModelSerializer):
    timezone = serializers.ChoiceField(choices=sorted(zoneinfo.available_timezones()), required=False,
                                       help_text="An IANA time zone; streaks and 'today' use it.")

    class Meta:
        model = Preferences
        fields = PreferencesForm.Meta.fields


class NotificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=NotificationType.choices)
    title = serializers.CharField()
    body = serializers.CharField()
    url = serializers.CharField()
    data = serializers.JSONField()
    read = serializers.BooleanField(source="is_read")
    created_at = serializers.DateTimeField()


class UnreadCountOutput(serializers.Serializer):
    unread_count = serializers.IntegerField()


class PersonBase(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    headline = serializers.CharField(source="profile.headline")
    avatar_url = serializers.SerializerMethodField()

    def get_avatar_url(self, user) -> str:
        return user.profile.avatar.url if user.profile.avatar else ""


class PersonOutput(PersonBase):
    level = serializers.IntegerField(source="progress.level")
    viewer_follows = serializers.BooleanField(required=False, default=False)


class StatsOutput(serializers.Serializer):
    xp = serializers.IntegerField()
    level = serializers.IntegerField()
    current_streak = serializers.IntegerField()
    longest_streak = serializers.IntegerField()


class FollowOutput(serializers.Serializer):
    following = serializers.BooleanField()


class PublicProfileOutput(PersonBase):
    """Stats are null when the user hides them."""

    bio = serializers.CharField(source="profile.bio")
    location = serializers.CharField(source="profile.location")
    website = serializers.CharField(source="profile.website")
    github_username = serializers.CharField(source="profile.github_username")
    linkedin_url = serializers.CharField(source="profile.linkedin_url")
    skills = serializers.ListField(child=serializers.CharField(), source="profile.skills")
    experience_level = serializers.CharField(source="profile.experience_level")
    follower_count = serializers.IntegerField()
    following_count = serializers.IntegerField()
    viewer_follows = serializers.BooleanField()
    stats = serializers.SerializerMethodField()

    @extend_schema_field(StatsOutput(allow_null=True))
    def get_stats(self, user) -> dict | None:
        if not self.context["stats_visible"]:
            return None
        return {"xp": user.progress.xp_total, "level": user.progress.level,
                "current_streak": user.progress.current_streak,
                "longest_streak": user.progress.longest_streak}


class ProgressOutput(serializers.Serializer):
    xp = serializers.IntegerField()
    level = serializers.IntegerField(source="level.level")
    level_floor_xp = serializers.IntegerField(source="level.level_floor_xp")
    next_level_xp = serializers.IntegerField(source="level.next_level_xp")
    current_streak = serializers.IntegerField(source="streak.current")
    longest_streak = serializers.IntegerField(source="streak.longest")
    active_today = serializers.BooleanField(source="streak.active_today")
    achievements_unlocked = serializers.IntegerField()
    achievements_total = serializers.IntegerField()


class AchievementStatusOutput(serializers.Serializer):
    code = serializers.CharField(source="achievement.code")
    name = serializers.CharField(source="achievement.name")
    description = serializers.CharField(source="achievement.description")
    icon = serializers.CharField(source="achievement.icon")
    category = serializers.CharField(source="achievement.category")
    rarity = serializers.CharField(source="achievement.rarity")
    reward_xp = serializers.IntegerField(source="achievement.reward_xp")
    unlocked_at = serializers.DateTimeField(allow_null=True)
    current = serializers.IntegerField()
    target = serializers.IntegerField()


# --- me ----------------------------------------------------------------------------------------


class ProfileDetailApi(APIView):
    throttle_scope = "writes"

    @extend_schema(responses=ProfileOutput, operation_id="me_profile_retrieve")
    def get(self, request):
        return Response(ProfileOutput(request.user.profile).data)

    @extend_schema(request=ProfileInput, responses=ProfileOutput, operation_id="me_profile_update")
    def patch(self, request):
        data = ProfileInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        profile = services.profile_update(user=request.user, data=dict(data.validated_data))
        return Response(ProfileOutput(profile).data)


class AvatarInput(serializers.Serializer):
    avatar = serializers.FileField()


class AvatarUploadApi(APIView):
    parser_classes = [MultiPartParser]
    throttle_scope = "uploads"

    @extend_schema(request={"multipart/form-data": AvatarInput}, responses=ProfileOutput, operation_id="me_avatar_upload")
    def post(self, request):
        data = AvatarInput(data=request.data)
        data.is_valid(raise_exception=True)
        profile = services.profile_avatar_set(user=request.user, upload=data.validated_data["avatar"])
        return Response(ProfileOutput(profile).data)


class PreferencesDetailApi(APIView):
    throttle_scope = "writes"

    @extend_schema(responses=PreferencesSerializer, operation_id="me_preferences_retrieve")
    def get(self, request):
        return Response(PreferencesSerializer(request.user.preferences).data)

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer, operation_id="me_preferences_update")
    def patch(self, request):
        data = PreferencesSerializer(request.user.preferences, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        prefs = services.preferences_update(user=request.user, data=dict(data.validated_data))
        return Response(PreferencesSerializer(prefs).data)


class ProgressDetailApi(APIView):
    @extend_schema(responses=ProgressOutput, operation_id="me_progress_retrieve")
    def get(self, request):
        return Response(ProgressOutput(selectors.progress_summary(user=request.user)).data)


class AchievementCatalogApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=inline_serializer("Achievement", {
        "code": serializers.CharField(), "name": serializers.CharField(), "description": serializers.CharField(),
        "icon": serializers.CharField(), "category": serializers.CharField(), "rarity": serializers.CharField(),
        "reward_xp": serializers.IntegerField(), "criteria_type": serializers.CharField(),
        "target": serializers.IntegerField()}, many=True), operation_id="achievements_list")
    def get(self, request):
        return Response(list(selectors.achievement_catalog()))


class AchievementListApi(APIView):
    @extend_schema(responses=AchievementStatusOutput(many=True), operation_id="me_achievements_list")
    def get(self, request):
        return Response(AchievementStatusOutput(selectors.achievement_board(user=request.user), many=True).data)


# --- notifications ------------------------------------------------------------------------------


class NotificationListQuery(CursorQuery):
    unread = serializers.BooleanField(required=False, default=False, help_text="Only unread ones.")


class NotificationListApi(APIView):
    @extend_schema(parameters=[NotificationListQuery], responses=FeedCursorPagination.response(NotificationOutput),
                   operation_id="notifications_list")
    def get(self, request):
        unread = query_valid(NotificationListQuery, request)["unread"]
        return paginated_response(request, self, selectors.notification_list(user=request.user, unread_only=unread),
                                  NotificationOutput, pagination=FeedCursorPagination)


class NotificationDetailApi(APIView):
    throttle_scope = "writes"

    @extend_schema(responses=NotificationOutput, operation_id="notifications_retrieve")
    def get(self, request, notification_id: int):
        return Response(NotificationOutput(
            selectors.notification_get_for_user(user=request.user, notification_id=notification_id)).data)

    @extend_schema(responses={204: None}, operation_id="notifications_delete")
    def delete(self, request, notification_id: int):
        services.notification_delete(user=request.user, notification_id=notification_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationMarkReadApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses=NotificationOutput, operation_id="notifications_mark_read")
    def post(self, request, notification_id: int):
        notification = services.notification_mark_read(user=request.user, notification_id=notification_id)
        return Response(NotificationOutput(notification).data)


class NotificationMarkAllReadApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses=inline_serializer("MarkAllReadOutput", {"marked": serializers.IntegerField()}),
                   operation_id="notifications_mark_all_read")
    def post(self, request):
        return Response({"marked": services.notifications_mark_all_read(user=request.user)})


class NotificationUnreadCountApi(APIView):
    @extend_schema(responses=UnreadCountOutput, operation_id="notifications_unread_count")
    def get(self, request):
        return Response({"unread_count": selectors.notification_unread_count(user_id=request.user.id)})


# --- people ------------------------------------------------------------------------------------


class UserDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=PublicProfileOutput, operation_id="users_retrieve")
    def get(self, request, username: str):
        user = selectors.user_get_public(viewer=request.user, username=username)
        context = {"stats_visible": selectors.public_stats_visible(viewer=request.user, user=user)}
        return Response(PublicProfileOutput(user, context=context).data)


class UserFollowApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses={201: FollowOutput, 200: FollowOutput}, operation_id="users_follow")
    def post(self, request, username: str):
        target = selectors.user_get_public(viewer=request.user, username=username)
        _, created = services.follow_create(follower=request.user, following=target)
        return Response({"following": True}, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses={204: None}, operation_id="users_unfollow")
    def delete(self, request, username: str):
        target = selectors.user_get_to_unfollow(viewer=request.user, username=username)
        services.follow_delete(follower=request.user, following=target)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _PeopleListApi(APIView):
    permission_classes = [AllowAny]
    relation = None

    @extend_schema(parameters=[PageQuery], responses=PagePagination.response(PersonOutput))
    def get(self, request, username: str):
        user = selectors.user_get_public(viewer=request.user, username=username)
        return paginated_response(request, self, self.relation(viewer=request.user, user=user), PersonOutput)


class UserFollowersApi(_PeopleListApi):
    relation = staticmethod(selectors.followers_of)


class UserFollowingApi(_PeopleListApi):
    relation = staticmethod(selectors.following_of)


class AccountDeleteApi(APIView):
    """GET: what deleting the account would remove and keep anonymised. DELETE: delete it (the
    password, or "delete" in `confirm` for an account without one)."""

    throttle_scope = "writes"

    class Input(StrictJSONTypes, serializers.Serializer):
        password = serializers.CharField(required=False, allow_blank=True, default="", max_length=256)
        confirm = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)

    class LineOutput(serializers.Serializer):
        what = serializers.CharField()
        count = serializers.IntegerField()

    @extend_schema(responses=inline_serializer("AccountDeletionPlan", {
        "removed": inline_serializer("DeletionLine", {"what": serializers.CharField(),
                                                      "count": serializers.IntegerField()}, many=True),
        "kept_anonymised": inline_serializer("KeptLine", {"what": serializers.CharField(),
                                                          "count": serializers.IntegerField()}, many=True)}),
        operation_id="me_account_deletion_plan")
    def get(self, request):
        plan = selectors.account_deletion_plan(user=request.user)
        return Response({"removed": self.LineOutput(plan.removed, many=True).data,
                         "kept_anonymised": self.LineOutput(plan.kept_anonymised, many=True).data})

    @extend_schema(request=Input, responses={204: None}, operation_id="me_account_delete")
    def delete(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        services.account_delete(user=request.user, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)
