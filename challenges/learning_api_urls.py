from django.urls import path

from core.api_routes import slash_optional

from . import learning_apis as apis

urlpatterns = slash_optional([
    path("learning/playlists/", apis.PlaylistListApi.as_view(), name="api-playlists"),
    path("learning/playlists/<slug:slug>/", apis.PlaylistDetailApi.as_view(), name="api-playlist"),
    path("learning/playlists/<slug:slug>/enrol/", apis.PlaylistEnrolApi.as_view(), name="api-playlist-enrol"),
    path("learning/playlists/<slug:slug>/unenrol/", apis.PlaylistUnenrolApi.as_view(), name="api-playlist-unenrol"),
    path("learning/playlists/<slug:slug>/progress/", apis.PlaylistProgressApi.as_view(),
         name="api-playlist-progress"),
    path("learning/playlists/<slug:slug>/reviews/", apis.PlaylistReviewListApi.as_view(),
         name="api-playlist-reviews"),
    path("learning/playlists/<slug:slug>/certificate/", apis.PlaylistCertificateApi.as_view(),
         name="api-playlist-certificate"),
    path("learning/categories/", apis.CategoryListApi.as_view(), name="api-playlist-categories"),
    path("learning/my-playlists/", apis.MyPlaylistListApi.as_view(), name="api-my-playlists"),
    path("learning/lessons/<int:lesson_id>/time/", apis.LessonTimeApi.as_view(), name="api-lesson-time"),
    path("learning/lessons/<int:lesson_id>/project/", apis.LessonProjectApi.as_view(), name="api-lesson-project"),
    path("learning/certificates/<str:code>/", apis.CertificateVerifyApi.as_view(), name="api-certificate-verify"),
    path("reviews/challenges/<slug:slug>/", apis.ChallengeReviewListApi.as_view(), name="api-challenge-reviews"),
    path("reviews/<int:review_id>/", apis.ChallengeReviewDetailApi.as_view(), name="api-review"),
    path("reviews/<int:review_id>/helpful/", apis.ReviewHelpfulApi.as_view(), name="api-review-helpful"),
    path("reviews/<int:review_id>/replies/", apis.ReviewReplyApi.as_view(), name="api-review-replies"),
    path("code-reviews/", apis.CodeReviewListApi.as_view(), name="api-code-reviews"),
    path("code-reviews/queue/", apis.CodeReviewQueueApi.as_view(), name="api-code-review-queue"),
    path("code-reviews/<int:review_id>/", apis.CodeReviewDetailApi.as_view(), name="api-code-review"),
    path("code-reviews/<int:review_id>/comments/", apis.CodeReviewCommentApi.as_view(),
         name="api-code-review-comments"),
    path("code-reviews/<int:review_id>/versions/", apis.CodeReviewVersionApi.as_view(),
         name="api-code-review-versions"),
    path("code-reviews/<int:review_id>/scores/", apis.CodeReviewScoreApi.as_view(), name="api-code-review-scores"),
    path("code-reviews/<int:review_id>/status/", apis.CodeReviewStatusApi.as_view(), name="api-code-review-status"),
    path("code-reviews/comments/<int:comment_id>/apply/", apis.CodeReviewApplyApi.as_view(),
         name="api-code-review-apply"),
])
