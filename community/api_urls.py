from django.urls import path

from core.api_routes import slash_optional

from . import apis

urlpatterns = slash_optional([
    path("community/posts/", apis.PostListApi.as_view(), name="api-community-posts"),
    path("community/posts/<int:post_id>/", apis.PostDetailApi.as_view(), name="api-community-post"),
    path("community/posts/<int:post_id>/like/", apis.PostLikeApi.as_view(), name="api-community-post-like"),
    path("community/posts/<int:post_id>/bookmark/", apis.PostBookmarkApi.as_view(), name="api-community-post-bookmark"),
    path("community/posts/<int:post_id>/view/", apis.PostViewApi.as_view(), name="api-community-post-view"),
    path("community/posts/<int:post_id>/accept/", apis.PostAcceptApi.as_view(), name="api-community-post-accept"),
    path("community/posts/<int:post_id>/comments/", apis.CommentListApi.as_view(), name="api-community-comments"),
    path("community/posts/<int:post_id>/requests/", apis.JoinRequestListApi.as_view(), name="api-community-requests"),
    path("community/requests/<int:request_id>/decide/", apis.JoinRequestDecideApi.as_view(),
         name="api-community-request-decide"),
    path("community/comments/<int:comment_id>/", apis.CommentDetailApi.as_view(), name="api-community-comment"),
    path("community/comments/<int:comment_id>/like/", apis.CommentLikeApi.as_view(), name="api-community-comment-like"),
    path("community/bookmarks/", apis.BookmarkListApi.as_view(), name="api-community-bookmarks"),
    path("community/posts/<int:post_id>/flag/", apis.PostFlagApi.as_view(), name="api-community-post-flag"),
    path("community/comments/<int:comment_id>/flag/", apis.CommentFlagApi.as_view(), name="api-community-comment-flag"),
    path("community/trust/", apis.TrustApi.as_view(), name="api-community-trust"),
    path("community/stats/", apis.StatsApi.as_view(), name="api-community-stats"),
    path("community/moderation/queue/", apis.ModerationQueueApi.as_view(), name="api-community-queue"),
    path("community/moderation/posts/<int:post_id>/", apis.PostModerateApi.as_view(), name="api-community-moderate-post"),
    path("community/moderation/comments/<int:comment_id>/", apis.CommentModerateApi.as_view(),
         name="api-community-moderate-comment"),
    path("community/moderation/flags/<int:flag_id>/dismiss/", apis.FlagDismissApi.as_view(),
         name="api-community-flag-dismiss"),
    path("community/moderation/users/<str:username>/suspend/", apis.UserSuspendApi.as_view(),
         name="api-community-suspend"),
    path("templates/", apis.TemplateListApi.as_view(), name="api-templates"),
    path("templates/categories/", apis.TemplateCategoriesApi.as_view(), name="api-template-categories"),
    path("templates/frameworks/", apis.TemplateFrameworksApi.as_view(), name="api-template-frameworks"),
    path("templates/<int:template_id>/", apis.TemplateDetailApi.as_view(), name="api-template"),
    path("templates/<int:template_id>/star/", apis.TemplateStarApi.as_view(), name="api-template-star"),
    path("templates/<int:template_id>/fork/", apis.TemplateForkApi.as_view(), name="api-template-fork"),
    path("templates/<int:template_id>/view/", apis.TemplateViewApi.as_view(), name="api-template-view"),
    path("templates/<int:template_id>/download/", apis.TemplateDownloadApi.as_view(), name="api-template-download"),
    path("templates/<int:template_id>/run/", apis.TemplateRunApi.as_view(), name="api-template-run"),
])
