from django.urls import path

from core.api_routes import slash_optional

from . import apis
from .learning_api_urls import urlpatterns as learning_urlpatterns

urlpatterns = slash_optional([
    path("challenges/", apis.ChallengeListApi.as_view(), name="api-challenges"),
    path("challenges/<slug:slug>/", apis.ChallengeDetailApi.as_view(), name="api-challenge"),
    path("challenges/<slug:slug>/stats/", apis.ChallengeStatsApi.as_view(), name="api-challenge-stats"),
    path("challenges/<slug:slug>/start/", apis.ChallengeStartApi.as_view(), name="api-challenge-start"),
    path("challenges/<slug:slug>/hints/reveal/", apis.ChallengeHintApi.as_view(), name="api-challenge-hint"),
    path("challenges/<slug:slug>/solution/reveal/", apis.ChallengeSolutionApi.as_view(),
         name="api-challenge-solution"),
    path("challenges/<slug:slug>/draft/", apis.ChallengeDraftApi.as_view(), name="api-challenge-draft"),
    path("challenges/<slug:slug>/rejudge/", apis.ChallengeRejudgeApi.as_view(), name="api-challenge-rejudge"),
    path("challenges/<slug:slug>/leaderboard/", apis.ChallengeLeaderboardApi.as_view(), name="api-challenge-board"),
    path("submissions/", apis.SubmissionListApi.as_view(), name="api-submissions"),
    path("submissions/run/", apis.SubmissionRunApi.as_view(), name="api-submissions-run"),
    path("submissions/<int:submission_id>/", apis.SubmissionDetailApi.as_view(), name="api-submission"),
    path("submissions/<int:submission_id>/result/", apis.SubmissionResultApi.as_view(), name="api-submission-result"),
    path("leaderboards/global/", apis.GlobalLeaderboardApi.as_view(), name="api-board-global"),
    path("leaderboards/weekly/", apis.WeeklyLeaderboardApi.as_view(), name="api-board-weekly"),
    path("leaderboards/monthly/", apis.MonthlyLeaderboardApi.as_view(), name="api-board-monthly"),
    path("runtimes/", apis.RuntimeListApi.as_view(), name="api-runtimes"),
])

# Learning playlists, challenge reviews and code reviews (their own module: learning_apis.py).
urlpatterns += learning_urlpatterns
