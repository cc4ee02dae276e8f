from django.urls import path

from . import learning_views, views

urlpatterns = [
    path("challenges/", views.challenge_list, name="challenge-list"),
    path("challenges/<slug:slug>/", views.challenge_detail, name="challenge-detail"),
    path("challenges/<slug:slug>/history/", views.challenge_history, name="challenge-history"),
    path("challenges/<slug:slug>/leaderboard/", views.challenge_leaderboard, name="challenge-leaderboard"),
    path("submissions/<int:submission_id>/", views.submission_detail, name="submission-detail"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
]

# Learning playlists, challenge reviews and code reviews (learning_views.py).
urlpatterns += [
    path("playlists/", learning_views.playlist_list, name="playlist-list"),
    path("playlists/mine/", learning_views.my_playlists, name="playlist-mine"),
    path("playlists/<slug:slug>/", learning_views.playlist_detail, name="playlist-detail"),
    path("playlists/<slug:slug>/enrol/", learning_views.playlist_enrol, name="playlist-enrol"),
    path("playlists/<slug:slug>/unenrol/", learning_views.playlist_unenrol, name="playlist-unenrol"),
    path("playlists/<slug:slug>/review/", learning_views.playlist_review, name="playlist-review"),
    path("playlists/<slug:slug>/lessons/<int:lesson_id>/", learning_views.lesson_detail, name="lesson-detail"),
    path("playlists/<slug:slug>/lessons/<int:lesson_id>/project/", learning_views.lesson_project,
         name="lesson-project"),
    path("certificates/<str:code>/", learning_views.certificate_verify, name="certificate-verify"),
    path("certificates/<str:code>/pdf/", learning_views.certificate_download, name="certificate-pdf"),
    path("challenges/<slug:slug>/reviews/", learning_views.challenge_reviews, name="challenge-reviews"),
    path("challenges/<slug:slug>/reviews/new/", learning_views.challenge_review_create, name="challenge-review-create"),
    path("reviews/<int:review_id>/helpful/", learning_views.review_helpful, name="review-helpful"),
    path("reviews/<int:review_id>/reply/", learning_views.review_reply, name="review-reply"),
    path("code-reviews/", learning_views.code_review_list, name="code-review-list"),
    path("submissions/<int:submission_id>/review/", learning_views.code_review_request, name="code-review-request"),
    path("code-reviews/<int:review_id>/", learning_views.code_review_detail, name="code-review-detail"),
    path("code-reviews/<int:review_id>/comment/", learning_views.code_review_comment, name="code-review-comment"),
    path("code-reviews/<int:review_id>/score/", learning_views.code_review_score, name="code-review-score"),
    path("code-reviews/<int:review_id>/status/", learning_views.code_review_status, name="code-review-status"),
    path("code-reviews/<int:review_id>/version/", learning_views.code_review_version, name="code-review-version"),
    path("code-reviews/comments/<int:comment_id>/apply/", learning_views.code_review_apply, name="code-review-apply"),
]
